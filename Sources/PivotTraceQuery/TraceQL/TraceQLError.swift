/// A TraceQL query (or a `tags` parameter) that cannot be used. The HTTP layer answers 400 with `message`.
public struct TraceQLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a growable set of values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not valid TraceQL.
        public static let syntax = Code(rawValue: "syntax")
        /// Valid TraceQL that this gateway does not evaluate (pipelines, aggregates, structural operators…).
        public static let unsupported = Code(rawValue: "unsupported")
        /// A value of the wrong type for its field or operator (e.g. `status = 200`).
        public static let invalidComparison = Code(rawValue: "invalid comparison")
        /// A regular expression RE2 does not accept.
        public static let invalidRegex = Code(rawValue: "invalid regex")
        /// More conditions or deeper parentheses than `TraceQLQuery.maxConditions` / `maxNestingDepth`.
        public static let tooComplex = Code(rawValue: "too complex")
    }

    public var code: Code
    /// E.g. `TraceQL feature pipelines (|) is not supported` or `syntax error at 7: expected "}"`.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    static func unsupported(_ feature: String) -> TraceQLError {
        TraceQLError(code: .unsupported, message: "TraceQL feature \(feature) is not supported")
    }

    public var description: String { message }
}
