extension Parser {
    /// A `.number` or `.duration` token as a literal (durations in seconds).
    mutating func parseNumberLiteral() throws(ParseError) -> NumberLiteral {
        let token = advance()
        if token.kind == .duration {
            switch PromDuration.parseNanoseconds(token.text) {
            case .success(let nanoseconds):
                let seconds = Double(nanoseconds / 1_000_000_000) + Double(nanoseconds % 1_000_000_000) / 1e9
                return NumberLiteral(value: seconds, isDuration: true, position: token.range)
            case .failure(let failure):
                throw error(.invalid, failure.message, at: token.range)
            }
        }
        do {
            return NumberLiteral(value: try GoNumber.parse(token.text), position: token.range)
        } catch {
            throw self.error(.invalid, "error parsing number: \(error)", at: token.range)
        }
    }

    /// Duration arithmetic inside `[…]`, `min_of(…)`, `max_of(…)` and parentheses after `offset`.
    /// `+ -` bind less tightly than `* / %`, which bind less tightly than the right-associative `^`.
    /// Errors name `context` and `expected`, as Prometheus's grammar does for the enclosing construct.
    mutating func parseDurationExpression(
        minimumPrecedence: Int, context: String, expected: String
    ) throws(ParseError) -> DurationExpr {
        let savedDepth = depth
        defer { depth = savedDepth }
        try deepen(at: current.range)
        var lhs: DurationExpr
        if current.kind == .add || current.kind == .sub {
            let sign = advance()
            let operand = try parseDurationExpression(
                minimumPrecedence: DurationExpr.Operator.pow.precedence, context: context, expected: expected)
            lhs = try applySign(sign, to: operand)
        } else {
            lhs = try parseDurationPrimary(context: context, expected: expected)
        }
        while let op = Parser.durationOperator(current.kind), op.precedence >= minimumPrecedence {
            try deepen(at: current.range)
            let opToken = advance()
            let rhs = try parseDurationExpression(
                minimumPrecedence: op == .pow ? op.precedence : op.precedence + 1, context: context, expected: expected)
            try requireDurationExpressions(at: lhs.position)
            if case .number(let literal) = rhs, literal.value == 0, op == .div || op == .mod {
                throw error(.invalid, op == .div ? "division by zero" : "modulo by zero", at: opToken.range)
            }
            lhs = .binary(op, lhs, rhs)
        }
        return lhs
    }

    /// A literal, `step()`, `range()`, `min_of(a, b)`, `max_of(a, b)` or `( expr )`.
    mutating func parseDurationPrimary(context: String, expected: String) throws(ParseError) -> DurationExpr {
        let token = current
        switch token.kind {
        case .number, .duration:
            let literal = try parseNumberLiteral()
            try checkDurationRange(literal.value, at: literal.position)
            return .number(literal)
        case .step, .range:
            advance()
            try expect(.leftParen, context: context, expected: expected)
            let close = try expect(.rightParen, context: context, expected: expected)
            let range = PositionRange(start: token.start, end: close.end)
            try requireDurationExpressions(at: range)
            return token.kind == .step ? .step(range) : .range(range)
        case .maxOf, .minOf:
            advance()
            try expect(.leftParen, context: context, expected: expected)
            let first = try parseDurationExpression(minimumPrecedence: 0, context: context, expected: expected)
            try expect(.comma, context: context, expected: expected)
            let second = try parseDurationExpression(minimumPrecedence: 0, context: context, expected: expected)
            let close = try expect(.rightParen, context: context, expected: expected)
            let range = PositionRange(start: token.start, end: close.end)
            try requireDurationExpressions(at: range)
            return token.kind == .maxOf ? .maxOf(first, second, range) : .minOf(first, second, range)
        case .leftParen:
            advance()
            let inner = try parseDurationExpression(minimumPrecedence: 0, context: context, expected: expected)
            let close = try expect(.rightParen, context: context, expected: expected)
            try requireDurationExpressions(at: inner.position)
            switch inner {
            case .number, .paren: return inner
            default: return .paren(inner, PositionRange(start: token.start, end: close.end))
            }
        default:
            throw unexpected(context: context, expected: expected)
        }
    }

    /// A unary sign before a duration operand: folded into a literal, kept as `.negate` for `-`
    /// before anything else, dropped for `+`.
    mutating func applySign(_ sign: Token, to operand: DurationExpr) throws(ParseError) -> DurationExpr {
        guard case .number(var literal) = operand else {
            return sign.kind == .sub ? .negate(operand, start: sign.start) : operand
        }
        if sign.kind == .sub { literal.value = -literal.value }
        try checkDurationRange(literal.value, at: sign.range)
        literal.position.start = sign.start
        return .number(literal)
    }

    /// Literal durations must fit in Go's `time.Duration` (±2^63 nanoseconds).
    private func checkDurationRange(_ seconds: Double, at range: PositionRange) throws(ParseError) {
        if seconds > 9_223_372_036.854775808 || seconds < -9_223_372_036.854775808 {
            throw error(.invalid, "duration out of range", at: range)
        }
    }

    /// Fails unless `ParserOptions.experimentalDurationExpressions` is set.
    private func requireDurationExpressions(at range: PositionRange) throws(ParseError) {
        guard options.experimentalDurationExpressions else {
            throw error(.featureDisabled, "experimental duration expression is not enabled", at: range)
        }
    }

    private static func durationOperator(_ kind: Token.Kind) -> DurationExpr.Operator? {
        switch kind {
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        case .mod: .mod
        case .pow: .pow
        default: nil
        }
    }
}

/// Go's `int64(f)` conversion as it behaves on amd64: truncation, and the minimum value for NaN and
/// out-of-range inputs (Swift would trap).
func goInt64(_ value: Double) -> Int64 {
    guard value.isFinite, value >= -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0 else {
        return Int64.min
    }
    return Int64(value)
}
