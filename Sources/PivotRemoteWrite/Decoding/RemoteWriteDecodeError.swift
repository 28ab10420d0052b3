/// A remote-write body that could not be decoded. Every code is a permanent problem of the request
/// (the HTTP layer answers 400, or 413 for `bodyTooLarge` if it prefers): retrying the same bytes
/// cannot succeed.
///
/// `message` says what could not be read, from the outside in ("cannot read timeseries 3: cannot read
/// label 1: …"), and the byte offset in the decompressed body where reading failed.
public struct RemoteWriteDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A growable set of reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The body is not valid snappy block format.
        public static let snappy = Code("snappy")
        /// The compressed or decompressed body is larger than `RemoteWriteLimits` allows.
        public static let bodyTooLarge = Code("bodyTooLarge")
        /// The protobuf is malformed: bad varint, length past the end, wrong wire type, bad reference.
        public static let malformed = Code("malformed")
        /// A count or length limit of `RemoteWriteLimits` was exceeded; the message names the limit.
        public static let limitExceeded = Code("limitExceeded")
    }

    public var code: Code
    public var message: String
    /// Byte offset in the decompressed body where decoding failed; nil for errors about the whole body.
    public var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// The same error with `context` put in front of the message ("cannot read label 2: " + message).
    func within(_ context: String) -> RemoteWriteDecodeError {
        RemoteWriteDecodeError(code, "\(context): \(message)", offset: offset)
    }

    public var description: String { message }
}
