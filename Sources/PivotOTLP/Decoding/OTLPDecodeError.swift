/// A request body that cannot be read as an OTLP export request: malformed protobuf or JSON, a known
/// field with the wrong type, or a value the model forbids (a trace id that is not 16 bytes).
/// Answered with 400 (HTTP) or `INVALID_ARGUMENT` (gRPC); the message names what and where.
public struct OTLPDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The body ends inside a tag, a varint, a fixed-width value, a length-delimited field or a JSON value.
        public static let truncated = Code("truncated")
        /// A varint longer than ten bytes, a field number 0, a group, an unknown wire type, or bad JSON syntax.
        public static let malformed = Code("malformed")
        /// A known field arrived with a wire type (or JSON type) its schema does not allow.
        public static let wrongType = Code("wrongType")
        /// `AnyValue` arrays and key-value lists (or JSON values) nested deeper than the limit.
        public static let tooDeep = Code("tooDeep")
        /// A trace id that is not 16 bytes or a span id that is not 8 (32 and 16 hex digits in JSON).
        public static let invalidID = Code("invalidID")
        /// A string field that is not valid UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
    }

    public var code: Code
    public var message: String
    /// Byte offset in the (decompressed) body where the problem was found.
    public var offset: Int

    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at byte \(offset))" }
}
