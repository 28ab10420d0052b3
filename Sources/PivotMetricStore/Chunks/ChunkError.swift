/// Persisted chunk bytes that cannot be decoded. The message says what is wrong and where.
public struct ChunkError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(name: String) { self.name = name }
        public var description: String { name }

        /// Shorter than the header.
        public static let truncatedHeader = Code(name: "truncated_header")
        /// The first byte names a format this code does not know.
        public static let unsupportedVersion = Code(name: "unsupported_version")
        /// The bit stream ends before the header's sample count is decoded.
        public static let truncatedData = Code(name: "truncated_data")
        /// Bytes or non-zero padding bits remain after the last sample.
        public static let trailingData = Code(name: "trailing_data")
        /// The bit stream holds an encoding the encoder never writes.
        public static let invalidEncoding = Code(name: "invalid_encoding")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
