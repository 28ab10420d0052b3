/// A trace or span id that is not 1–32 (span: 1–16) hex digits. The HTTP layer answers 400 with `message`.
public struct TraceIDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, as a growable set of values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let empty = Code(rawValue: "empty")
        public static let notHex = Code(rawValue: "not hex")
        public static let tooLong = Code(rawValue: "too long")
    }

    public var code: Code
    /// E.g. `invalid trace id "xyz": not a hex string`.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
