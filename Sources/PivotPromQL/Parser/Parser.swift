/// A recursive-descent (precedence-climbing) parser for PromQL with Prometheus 3's grammar, error
/// messages and positions. It stops at the first error, which is the error Prometheus reports.
struct Parser {
    let query: String
    let options: ParserOptions
    private(set) var tokens: [Token]
    private(set) var index = 0
    /// The end offset of the last consumed token (Prometheus's `lastClosing` for the cases that use it).
    private(set) var lastConsumedEnd = 0
    /// How deep the tree being built is; bounded by `options.maxNestingDepth`.
    var depth = 0
    /// Constructs whose errors Prometheus reports with an `in <context>` suffix (`aggregation`).
    var errorContexts: [String] = []

    init(query: String, options: ParserOptions) {
        self.query = query
        self.options = options
        tokens = Lexer.tokenize(query).filter { $0.kind != .comment }
    }

    // MARK: - Token access

    var current: Token { tokens[index] }

    /// The kind of the token `offset` places after the current one (the last token if past the end).
    func kind(ahead offset: Int) -> Token.Kind { tokens[min(index + offset, tokens.count - 1)].kind }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        lastConsumedEnd = token.end
        return token
    }

    /// Consumes a token of `kind`, or fails with an "unexpected" error naming `context` and `expected`.
    @discardableResult
    mutating func expect(
        _ kind: Token.Kind, context: String? = nil, expected: String = ""
    ) throws(ParseError) -> Token {
        guard current.kind == kind else { throw unexpected(context: context, expected: expected) }
        return advance()
    }

    // MARK: - Errors

    func error(_ code: ParseError.Code, _ message: String, at range: PositionRange) -> ParseError {
        ParseError(code: code, message: message, position: range, query: query)
    }

    /// Prometheus's `unexpected <token>[ in <context>][, expected <expected>]` for the current token, or
    /// the lexer's error when the current token is one. Without an explicit context, the innermost
    /// enclosing aggregation supplies one.
    func unexpected(context: String? = nil, expected: String = "") -> ParseError {
        let token = current
        if token.kind == .error { return error(.lexical, token.text, at: token.range) }
        var message = "unexpected " + token.errorDescription
        if let context = context ?? errorContexts.last, !context.isEmpty { message += " in " + context }
        if !expected.isEmpty { message += ", expected " + expected }
        return error(.syntax, message, at: token.range)
    }

    /// Counts one more level of nesting; fails beyond `options.maxNestingDepth`.
    mutating func deepen(at range: PositionRange) throws(ParseError) {
        depth += 1
        if depth > options.maxNestingDepth {
            let message = "expression nested too deeply (more than \(options.maxNestingDepth) levels)"
            throw error(.tooDeep, message, at: range)
        }
    }

    // MARK: - Entry points

    /// Parses a whole query and type-checks it.
    mutating func parseQuery() throws(ParseError) -> Expr {
        if current.kind == .eof { throw error(.syntax, "no expression found in input", at: .none) }
        let expr = try parseExpression(minimumPrecedence: 0)
        guard current.kind == .eof else { throw unexpected() }
        return try TypeChecker(parser: self).check(expr).expr
    }

    // MARK: - Expressions

    /// Parses operands joined by binary operators that bind at least as tightly as `minimumPrecedence`.
    mutating func parseExpression(minimumPrecedence: Int) throws(ParseError) -> Expr {
        let savedDepth = depth
        defer { depth = savedDepth }
        try deepen(at: current.range)
        var lhs = try parseUnary()
        while let op = current.kind.binaryOperator, op.precedence >= minimumPrecedence {
            try deepen(at: current.range)
            advance()
            let modifiers = try parseBinaryModifiers()
            let rhs = try parseExpression(
                minimumPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            let binary = Binary(
                op: op, lhs: lhs, rhs: rhs, matching: modifiers.matching, returnBool: modifiers.returnBool)
            if modifiers.matching.hasFill && !options.enableBinopFillModifiers {
                let message = "binop fill modifiers are experimental and not enabled"
                throw error(.featureDisabled, message, at: binary.position)
            }
            lhs = .binary(binary)
        }
        return lhs
    }

    /// A unary `+`/`-` binds less tightly than `^` and the postfix modifiers, as tightly as `*`. A sign
    /// before a number literal is folded into the literal.
    private mutating func parseUnary() throws(ParseError) -> Expr {
        guard current.kind == .add || current.kind == .sub else {
            return try parsePostfix(parsePrimary())
        }
        let sign = advance()
        let operand = try parseExpression(minimumPrecedence: BinaryOperator.pow.precedence)
        if case .numberLiteral(var literal) = operand {
            if sign.kind == .sub { literal.value = -literal.value }
            literal.position.start = sign.start
            return .numberLiteral(literal)
        }
        let range = PositionRange(start: sign.start, end: operand.position.end)
        return .unary(Unary(sign.kind == .sub ? .minus : .plus, operand, position: range))
    }

    private mutating func parsePrimary() throws(ParseError) -> Expr {
        let token = current
        switch token.kind {
        case .number, .duration:
            return .numberLiteral(try parseNumberLiteral())
        case .string:
            advance()
            return .stringLiteral(StringLiteral(bytes: try unquote(token), position: token.range))
        case .leftParen:
            advance()
            let inner = try parseExpression(minimumPrecedence: 0)
            let close = try expect(.rightParen)
            return .paren(Paren(inner, position: PositionRange(start: token.start, end: close.end)))
        case .leftBrace:
            return .vectorSelector(try parseVectorSelector())
        case .identifier, .start, .end, .step, .range, .maxOf, .minOf:
            if kind(ahead: 1) == .leftParen { return .call(try parseFunctionCall()) }
            return .vectorSelector(try parseVectorSelector())
        case .aggregator(let op):
            switch kind(ahead: 1) {
            case .leftParen, .by, .without: return .aggregate(try parseAggregate(op))
            default: return .vectorSelector(try parseVectorSelector())
            }
        default:
            if Parser.isMetricIdentifier(token.kind) { return .vectorSelector(try parseVectorSelector()) }
            throw unexpected()
        }
    }

    /// The tokens Prometheus accepts as a metric name before braces (`metric_identifier`).
    static func isMetricIdentifier(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator, .by, .without, .fill, .fillLeft, .fillRight, .and, .or,
            .unless, .offset, .start, .end, .step, .range, .anchored, .smoothed, .maxOf, .minOf:
            true
        default: false
        }
    }

    // MARK: - Binary modifiers

    /// `bool`, `on (…)`/`ignoring (…)`, `group_left (…)`/`group_right (…)`, `fill… (v)`, in that order.
    private mutating func parseBinaryModifiers() throws(ParseError) -> (returnBool: Bool, matching: VectorMatching) {
        var returnBool = false
        var matching = VectorMatching()
        if current.kind == .bool {
            advance()
            returnBool = true
        }
        if current.kind == .on || current.kind == .ignoring {
            matching.labelsMode = current.kind == .on ? .on : .ignoring
            matching.labels = try parseGroupingClause()
            if current.kind == .groupLeft || current.kind == .groupRight {
                matching.cardinality = current.kind == .groupLeft ? .manyToOne : .oneToMany
                advance()
                if current.kind == .leftParen { matching.include = try parseGroupingLabels() }
            }
        }
        switch current.kind {
        case .fill:
            advance()
            let value = try parseFillValue()
            matching.fillLeft = value
            matching.fillRight = value
        case .fillLeft:
            advance()
            matching.fillLeft = try parseFillValue()
            if current.kind == .fillRight {
                advance()
                matching.fillRight = try parseFillValue()
            }
        case .fillRight:
            advance()
            matching.fillRight = try parseFillValue()
            if current.kind == .fillLeft {
                advance()
                matching.fillLeft = try parseFillValue()
            }
        default:
            break
        }
        return (returnBool, matching)
    }

    /// `(number)`, `(-number)` or `(+number)` after `fill`, `fill_left` or `fill_right`.
    private mutating func parseFillValue() throws(ParseError) -> Double {
        try expect(.leftParen)
        var negate = false
        if current.kind == .add || current.kind == .sub {
            negate = advance().kind == .sub
        }
        guard current.kind == .number || current.kind == .duration else { throw unexpected() }
        let literal = try parseNumberLiteral()
        try expect(.rightParen)
        return negate ? -literal.value : literal.value
    }
}
