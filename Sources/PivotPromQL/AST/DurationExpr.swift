/// A duration expression inside `[…]` or after `offset` (experimental in Prometheus): arithmetic on
/// duration and number literals, `step()`, `range()`, `min_of(a, b)` and `max_of(a, b)`. Values are in
/// seconds; the engine evaluates the expression per query (see `DurationExpr.evaluate`).
public indirect enum DurationExpr: Hashable, Sendable {
    /// A number (seconds) or duration literal.
    case number(NumberLiteral)
    /// `step()`: the query step.
    case step(PositionRange)
    /// `range()`: the query range (end minus start).
    case range(PositionRange)
    case minOf(DurationExpr, DurationExpr, PositionRange)
    case maxOf(DurationExpr, DurationExpr, PositionRange)
    /// A unary minus applied to a non-literal (`-step()`); starts at the `-`.
    case negate(DurationExpr, start: Int)
    case binary(Operator, DurationExpr, DurationExpr)
    /// Parentheses around a non-literal (a literal in parentheses is kept as the bare literal).
    case paren(DurationExpr, PositionRange)

    public enum Operator: String, Hashable, Sendable {
        case add = "+"
        case sub = "-"
        case mul = "*"
        case div = "/"
        case mod = "%"
        case pow = "^"

        var precedence: Int {
            switch self {
            case .add, .sub: 4
            case .mul, .div, .mod: 5
            case .pow: 6
            }
        }
    }

    /// Where the expression sits in the query text.
    public var position: PositionRange {
        switch self {
        case .number(let literal): literal.position
        case .step(let range), .range(let range): range
        case .minOf(_, _, let range), .maxOf(_, _, let range): range
        case .negate(let inner, let start): PositionRange(start: start, end: inner.position.end)
        case .binary(_, let lhs, let rhs): lhs.position.merged(with: rhs.position)
        case .paren(_, let range): range
        }
    }
}
