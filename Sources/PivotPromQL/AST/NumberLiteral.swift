/// A number: `1`, `0x1f`, `1e3`, `Inf`, `NaN`, or a duration literal such as `5m` used as a number of
/// seconds. A leading `-` or `+` written before a number literal is folded into it.
public struct NumberLiteral: Hashable, Sendable {
    public var value: Double
    /// Whether the literal was written as a duration (`5m` is 300 seconds); the printer writes it back as one.
    public var isDuration: Bool
    public var position: PositionRange

    public init(value: Double, isDuration: Bool = false, position: PositionRange = .none) {
        self.value = value
        self.isDuration = isDuration
        self.position = position
    }

    /// Whole milliseconds the way Prometheus computes them. A duration literal is a whole number of
    /// milliseconds (the units stop at `ms`), so it is rounded to the nearest one: near the ±2^63 ns
    /// limit seconds in a Double are a few microseconds off, and truncating would lose a millisecond
    /// Prometheus (holding the literal as an exact `time.Duration`) keeps. A number is rounded to
    /// nanoseconds, then truncated to milliseconds, as `time.Duration(f * 1e9)` then `/ 1e6` does.
    public var milliseconds: Int64 {
        if isDuration { return goInt64((value * 1000).rounded()) }
        return goInt64((value * 1e9).rounded()) / 1_000_000
    }

    /// Equal when the values are the same number (any two NaNs count as the same), the duration flag and
    /// the positions match.
    public static func == (lhs: NumberLiteral, rhs: NumberLiteral) -> Bool {
        let sameValue = lhs.value.isNaN ? rhs.value.isNaN : lhs.value.bitPattern == rhs.value.bitPattern
        return sameValue && lhs.isDuration == rhs.isDuration && lhs.position == rhs.position
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value.isNaN ? Double.nan.bitPattern : value.bitPattern)
        hasher.combine(isDuration)
        hasher.combine(position)
    }
}

/// A string literal in `"…"`, `'…'` or `` `…` ``, with Go escapes resolved.
public struct StringLiteral: Hashable, Sendable {
    /// The text. When escapes spell bytes that are not valid UTF-8 (`"\xff"`), each invalid sequence is
    /// replaced by U+FFFD here and `invalidUTF8` holds the exact bytes.
    public var value: String
    /// The exact bytes when they are not valid UTF-8, else nil.
    public var invalidUTF8: [UInt8]?
    public var position: PositionRange

    public init(value: String, position: PositionRange = .none) {
        self.value = value
        self.invalidUTF8 = nil
        self.position = position
    }

    /// Builds a literal from raw bytes, keeping them when they are not valid UTF-8.
    public init(bytes: [UInt8], position: PositionRange = .none) {
        let decoded = String(decoding: bytes, as: UTF8.self)
        self.value = decoded
        self.invalidUTF8 = Array(decoded.utf8) == bytes ? nil : bytes
        self.position = position
    }

    public var isValidUTF8: Bool { invalidUTF8 == nil }

    /// The exact bytes of the literal.
    public var utf8Bytes: [UInt8] { invalidUTF8 ?? Array(value.utf8) }
}

/// An expression in parentheses; kept in the tree so that printing preserves the grouping.
public struct Paren: Hashable, Sendable {
    public var expr: Expr
    public var position: PositionRange

    public init(_ expr: Expr, position: PositionRange = .none) {
        self.expr = expr
        self.position = position
    }
}

/// A unary `-` or `+` applied to a non-literal expression (`-foo`).
public struct Unary: Hashable, Sendable {
    public enum Operator: String, Hashable, Sendable {
        case minus = "-"
        case plus = "+"
    }

    public var op: Operator
    public var expr: Expr
    public var position: PositionRange

    public init(_ op: Operator, _ expr: Expr, position: PositionRange = .none) {
        self.op = op
        self.expr = expr
        self.position = position
    }
}
