/// One token of a PromQL query.
struct Token: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case eof, error, comment
        case identifier, metricIdentifier, string, number, duration
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket, comma, assign, colon
        // Operators.
        case add, sub, mul, div, mod, pow, equal, notEqual, lessOrEqual, less, greaterOrEqual, greater
        case trimUpper, trimLower, regexMatch, regexNoMatch, and, or, unless, atan2, at
        case aggregator(AggregationOperator)
        // Keywords.
        case bool, by, groupLeft, groupRight, fill, fillLeft, fillRight, ignoring, offset, smoothed, anchored, on
        case without
        // Preprocessors (`@ start()`, `[step()]`, and the functions of the same names).
        case start, end, step, range, maxOf, minOf

        var isOperator: Bool {
            switch self {
            case .add, .sub, .mul, .div, .mod, .pow, .equal, .notEqual, .lessOrEqual, .less, .greaterOrEqual, .greater,
                .trimUpper, .trimLower, .regexMatch, .regexNoMatch, .and, .or, .unless, .atan2, .at:
                true
            default: false
            }
        }

        var isKeyword: Bool {
            switch self {
            case .bool, .by, .groupLeft, .groupRight, .fill, .fillLeft, .fillRight, .ignoring, .offset, .smoothed,
                .anchored, .on, .without:
                true
            default: false
            }
        }

        /// The binary operator this token spells, if any.
        var binaryOperator: BinaryOperator? {
            switch self {
            case .add: .add
            case .sub: .sub
            case .mul: .mul
            case .div: .div
            case .mod: .mod
            case .pow: .pow
            case .atan2: .atan2
            case .equal: .equal
            case .notEqual: .notEqual
            case .greater: .greater
            case .less: .less
            case .greaterOrEqual: .greaterOrEqual
            case .lessOrEqual: .lessOrEqual
            case .trimUpper: .trimUpper
            case .trimLower: .trimLower
            case .and: .and
            case .or: .or
            case .unless: .unless
            default: nil
            }
        }
    }

    var kind: Kind
    /// The raw text of the token (for `.error`, the error message).
    var text: String
    var start: Int
    var end: Int

    var range: PositionRange { PositionRange(start: start, end: end) }

    /// How Prometheus names the token in "unexpected …" messages (`parser.Item.desc`).
    var errorDescription: String {
        switch kind {
        case .eof: return "end of input"
        case .error: return text
        case .comment: return "comment " + Token.shortQuoted(text)
        case .identifier: return "identifier " + GoQuote.quote(text)
        case .metricIdentifier: return "metric identifier " + GoQuote.quote(text)
        case .string: return "string " + Token.shortQuoted(text)
        case .number: return "number " + Token.shortQuoted(text)
        case .duration: return "duration " + Token.shortQuoted(text)
        case .aggregator: return "<aggr:\(text)>"
        default:
            if kind.isKeyword { return "<\(text)>" }
            if kind.isOperator { return "<op:\(text)>" }
            return Token.shortQuoted(text)
        }
    }

    /// `%q`, or `%.10q...` for text longer than 10 bytes.
    private static func shortQuoted(_ text: String) -> String {
        text.utf8.count > 10 ? GoQuote.quote(text, maxRunes: 10) + "..." : GoQuote.quote(text)
    }

    /// Keywords by lower-case spelling; `inf` and `nan` are numbers.
    static let keywords: [String: Kind] = {
        var table: [String: Kind] = [
            "and": .and, "or": .or, "unless": .unless, "atan2": .atan2,
            "offset": .offset, "smoothed": .smoothed, "anchored": .anchored, "by": .by, "without": .without,
            "on": .on, "ignoring": .ignoring, "group_left": .groupLeft, "group_right": .groupRight, "fill": .fill,
            "fill_left": .fillLeft, "fill_right": .fillRight, "bool": .bool,
            "start": .start, "end": .end, "step": .step, "range": .range, "max_of": .maxOf, "min_of": .minOf,
            "inf": .number, "nan": .number,
        ]
        for op in AggregationOperator.allCases { table[op.name] = .aggregator(op) }
        return table
    }()

    /// The keywords that may appear inside `[…]`: `step`, `range`, `max_of`, `min_of`.
    static let durationKeywords: [String: Kind] = ["step": .step, "range": .range, "max_of": .maxOf, "min_of": .minOf]
}
