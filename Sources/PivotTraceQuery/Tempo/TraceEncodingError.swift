/// Stored trace bytes that cannot be turned into a response (corrupt or not the expected message).
public struct TraceEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a growable set of values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidProtobuf = Code(rawValue: "invalid protobuf")
        public static let jsonEncoding = Code(rawValue: "json encoding")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
