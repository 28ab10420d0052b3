import PivotModel

extension Parser {
    /// `name`, `name{…}` or `{…}`. A name written before the braces adds a `__name__` matcher at the end.
    mutating func parseVectorSelector() throws(ParseError) -> VectorSelector {
        var name: String?
        var range = current.range
        if current.kind != .leftBrace {
            guard Parser.isMetricIdentifier(current.kind) else { throw unexpected() }
            name = advance().text
        }
        var matchers: [LabelMatcher] = []
        if current.kind == .leftBrace {
            let (parsed, end) = try parseLabelMatchers()
            matchers = parsed
            range.end = end
        }
        if let name {
            matchers.append(try makeMatcher(.equal, Label.metricName, name, at: range))
        }
        return VectorSelector(name: name, matchers: matchers, position: range)
    }

    /// `{matcher, …}` with an optional trailing comma; returns the matchers and the end of the `}`.
    private mutating func parseLabelMatchers() throws(ParseError) -> ([LabelMatcher], Int) {
        try expect(.leftBrace)
        var matchers: [LabelMatcher] = []
        if current.kind == .rightBrace { return (matchers, advance().end) }
        while true {
            matchers.append(try parseLabelMatcher())
            if current.kind == .comma {
                advance()
                if current.kind == .rightBrace { return (matchers, advance().end) }
                continue
            }
            if current.kind == .rightBrace { return (matchers, advance().end) }
            throw unexpected(context: "label matching", expected: "\",\" or \"}\"")
        }
    }

    /// `name op "value"`, `"name" op "value"`, or a quoted metric name alone (`"my.metric"`).
    private mutating func parseLabelMatcher() throws(ParseError) -> LabelMatcher {
        let label = current
        let name: String
        switch label.kind {
        case .identifier:
            advance()
            name = label.text
            guard Parser.matchKind(current.kind) != nil else {
                throw unexpected(context: "label matching", expected: "label matching operator")
            }
        case .string:
            advance()
            name = String(decoding: try unquote(label), as: UTF8.self)
            guard Parser.matchKind(current.kind) != nil else {
                return try makeMatcher(.equal, Label.metricName, name, at: label.range)
            }
        default:
            throw unexpected(context: "label matching", expected: "identifier or \"}\"")
        }
        let kind = Parser.matchKind(advance().kind)!
        guard current.kind == .string else { throw unexpected(context: "label matching", expected: "string") }
        let valueToken = advance()
        let value = String(decoding: try unquote(valueToken), as: UTF8.self)
        return try makeMatcher(kind, name, value, at: label.range.merged(with: valueToken.range))
    }

    private static func matchKind(_ kind: Token.Kind) -> LabelMatcher.Kind? {
        switch kind {
        case .assign: .equal
        case .notEqual: .notEqual
        case .regexMatch: .regexMatch
        case .regexNoMatch: .regexNoMatch
        default: nil
        }
    }

    private func makeMatcher(
        _ kind: LabelMatcher.Kind, _ name: String, _ value: String, at range: PositionRange
    ) throws(ParseError) -> LabelMatcher {
        do {
            return try LabelMatcher(kind, name, value)
        } catch {
            throw self.error(.invalid, "\(error)", at: range)
        }
    }

    /// The bytes of a string token, escapes resolved.
    func unquote(_ token: Token) throws(ParseError) -> [UInt8] {
        guard let bytes = StringUnquoting.unquote(token.text) else {
            let message = "error unquoting string \(GoQuote.quote(token.text)): invalid syntax"
            throw error(.invalid, message, at: token.range)
        }
        return bytes
    }

    /// Parses a whole input that must be a single vector selector (the `match[]` parameter form).
    mutating func parseMetricSelectorInput() throws(ParseError) -> [LabelMatcher] {
        guard current.kind == .leftBrace || Parser.isMetricIdentifier(current.kind) else { throw unexpected() }
        let selector = try parseVectorSelector()
        guard current.kind == .eof else { throw unexpected() }
        return selector.matchers
    }
}
