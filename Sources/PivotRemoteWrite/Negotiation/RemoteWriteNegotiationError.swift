/// A request whose `Content-Type` or `Content-Encoding` Pivot does not accept. The HTTP layer answers
/// every code of this error with 415 Unsupported Media Type (the remote-write 2.0 spec requires 415;
/// 1.x senders treat it like 400, that is, they do not retry).
public struct RemoteWriteNegotiationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A growable set of reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Not `application/x-protobuf`, a malformed parameter, or an unknown `proto=` message.
        public static let unsupportedContentType = Code("unsupportedContentType")
        /// A `Content-Encoding` other than none or `snappy`.
        public static let unsupportedContentEncoding = Code("unsupportedContentEncoding")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
