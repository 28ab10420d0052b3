/// A query that does not parse or does not type-check. `description` has Prometheus's form,
/// `1:5: parse error: unexpected end of input`; `message` is the part after `parse error: `.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is. New codes may be added.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The text could not be split into tokens (bad number, unterminated string, stray character).
        public static let lexical = Code(rawValue: "lexical")
        /// A token that the grammar does not allow at that place.
        public static let syntax = Code(rawValue: "syntax")
        /// A well-formed construct with an invalid value or combination (a second `offset`, a range
        /// on a non-selector, a zero range, an unknown function, a bad regular expression, …).
        public static let invalid = Code(rawValue: "invalid")
        /// The expression's types do not fit (`rate(foo)`, `1 and 1`).
        public static let type = Code(rawValue: "type")
        /// The query uses an experimental feature that `ParserOptions` does not enable.
        public static let featureDisabled = Code(rawValue: "feature_disabled")
        /// The expression is nested deeper than `ParserOptions.maxNestingDepth`.
        public static let tooDeep = Code(rawValue: "too_deep")

        public var description: String { rawValue }
    }

    /// The fields live in one immutable box so that the error is a single pointer: parser frames keep
    /// a slot for a thrown error at every call site, and deep queries must not exhaust the stack.
    private final class Storage: Sendable {
        let code: Code
        let message: String
        let position: PositionRange
        let textPosition: TextPosition?
        let positionLabel: String

        init(code: Code, message: String, position: PositionRange, textPosition: TextPosition?, positionLabel: String) {
            self.code = code
            self.message = message
            self.position = position
            self.textPosition = textPosition
            self.positionLabel = positionLabel
        }
    }

    private let storage: Storage

    public var code: Code { storage.code }
    public var message: String { storage.message }
    /// The offending bytes of the query.
    public var position: PositionRange { storage.position }
    /// Line and column of `position.start`, or nil when the query is empty.
    public var textPosition: TextPosition? { storage.textPosition }

    public init(code: Code, message: String, position: PositionRange, query: String) {
        let textPosition = query.isEmpty ? nil : TextPosition(offset: position.start, in: query)
        storage = Storage(
            code: code, message: message, position: position, textPosition: textPosition,
            positionLabel: query.isEmpty ? "unknown position" : textPosition?.description ?? "invalid position")
    }

    public var description: String { "\(storage.positionLabel): parse error: \(message)" }

    public static func == (lhs: ParseError, rhs: ParseError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.position == rhs.position
            && lhs.textPosition == rhs.textPosition
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(position)
    }
}
