extension Parser {
    /// `op [by|without (…)] (args) [by|without (…)]`.
    mutating func parseAggregate(_ op: AggregationOperator) throws(ParseError) -> Aggregate {
        let opToken = advance()
        errorContexts.append("aggregation")
        var grouping: (labels: [String], mode: Aggregate.GroupingMode)?
        if current.kind == .by || current.kind == .without {
            let mode: Aggregate.GroupingMode = current.kind == .by ? .by : .without
            grouping = (try parseGroupingClause(), mode)
        }
        guard current.kind == .leftParen else { throw unexpected() }
        let args = try parseCallArguments()
        if grouping == nil, current.kind == .by || current.kind == .without {
            let mode: Aggregate.GroupingMode = current.kind == .by ? .by : .without
            grouping = (try parseGroupingClause(), mode)
        }
        errorContexts.removeLast()

        let range = PositionRange(start: opToken.start, end: lastConsumedEnd)
        guard !args.isEmpty else {
            throw error(.invalid, "no arguments for aggregate expression provided", at: range)
        }
        var expected = 1
        var param: Expr?
        if op.takesParameter {
            if op.isExperimental && !options.enableExperimentalFunctions {
                let message = "\(op.name)() is experimental and must be enabled with "
                    + "--enable-feature=promql-experimental-functions"
                throw error(.featureDisabled, message, at: range)
            }
            expected = 2
            param = args[0]
        }
        guard args.count == expected else {
            throw error(
                .invalid,
                "wrong number of arguments for aggregate expression provided, expected \(expected), got \(args.count)",
                at: range)
        }
        return Aggregate(
            op: op, expr: args[expected - 1], param: param, grouping: grouping?.labels ?? [],
            groupingMode: grouping?.mode ?? .by, position: range)
    }

    /// A keyword (`by`, `without`, `on`, `ignoring`) followed by its label list.
    mutating func parseGroupingClause() throws(ParseError) -> [String] {
        advance()
        return try parseGroupingLabels()
    }

    /// `(label, "quoted label", …)` with an optional trailing comma.
    mutating func parseGroupingLabels() throws(ParseError) -> [String] {
        guard current.kind == .leftParen else { throw unexpected(context: "grouping opts", expected: "\"(\"") }
        advance()
        var labels: [String] = []
        if current.kind == .rightParen {
            advance()
            return labels
        }
        while true {
            labels.append(try parseGroupingLabel())
            if current.kind == .comma {
                advance()
                if current.kind == .rightParen {
                    advance()
                    return labels
                }
                continue
            }
            if current.kind == .rightParen {
                advance()
                return labels
            }
            throw unexpected(context: "grouping opts", expected: "\",\" or \")\"")
        }
    }

    private mutating func parseGroupingLabel() throws(ParseError) -> String {
        let token = current
        if token.kind == .string {
            advance()
            let bytes = try unquote(token)
            guard !bytes.isEmpty, UTF8Decoding.isValid(bytes) else {
                let message = "invalid label name for grouping: \(GoQuote.quote(bytes: bytes))"
                throw error(.invalid, message, at: token.range)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard Parser.isGroupingLabel(token.kind) else { throw unexpected(context: "grouping opts", expected: "label") }
        advance()
        return token.text
    }

    /// The tokens Prometheus accepts as a bare label name in a grouping list (`maybe_label`).
    private static func isGroupingLabel(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator, .bool, .by, .groupLeft, .groupRight, .fill, .fillLeft,
            .fillRight, .ignoring, .and, .or, .unless, .offset, .on, .start, .end, .atan2, .step, .range, .anchored,
            .smoothed, .maxOf, .minOf:
            true
        default: false
        }
    }

    /// `name(args)`. The name is checked after the arguments, as Prometheus does.
    mutating func parseFunctionCall() throws(ParseError) -> Call {
        let nameToken = advance()
        let args = try parseCallArguments()
        let range = PositionRange(start: nameToken.start, end: lastConsumedEnd)
        guard let function = FunctionSpec.named(nameToken.text) else {
            throw error(.invalid, "unknown function with name \(GoQuote.quote(nameToken.text))", at: nameToken.range)
        }
        if function.isExperimental && !options.enableExperimentalFunctions {
            let message = "function \(GoQuote.quote(nameToken.text)) is not enabled"
            throw error(.featureDisabled, message, at: nameToken.range)
        }
        return Call(function: function, args: args, position: range)
    }

    /// `(expr, expr, …)`; a trailing comma is an error.
    mutating func parseCallArguments() throws(ParseError) -> [Expr] {
        try expect(.leftParen)
        var args: [Expr] = []
        if current.kind == .rightParen {
            advance()
            return args
        }
        while true {
            args.append(try parseExpression(minimumPrecedence: 0))
            switch current.kind {
            case .comma:
                let comma = advance()
                if current.kind == .rightParen {
                    throw error(.syntax, "trailing commas not allowed in function call args", at: comma.range)
                }
            case .rightParen:
                advance()
                return args
            default:
                throw unexpected()
            }
        }
    }
}
