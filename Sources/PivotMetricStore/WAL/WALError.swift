/// A write-ahead log operation that failed. The code says whether retrying can help; the message
/// names the file and the system error.
public struct WALError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// Whether the same request may succeed later (disk full, I/O trouble).
        public let isRetryable: Bool

        public init(name: String, isRetryable: Bool) {
            self.name = name
            self.isRetryable = isRetryable
        }

        public var description: String { name }

        /// The disk or quota is full (`ENOSPC`, `EDQUOT`); the failed records were cut off again.
        public static let noSpace = Code(name: "no_space", isRetryable: true)
        /// Reading, writing or syncing failed (`EIO` and others).
        public static let io = Code(name: "io_error", isRetryable: true)
        /// The log was closed.
        public static let closed = Code(name: "closed", isRetryable: false)
        /// A record is larger than `WALOptions.maxRecordSize`.
        public static let recordTooLarge = Code(name: "record_too_large", isRetryable: false)
        /// Calls in the wrong order (replay after append, replay twice).
        public static let invalidState = Code(name: "invalid_state", isRetryable: false)
        /// The directory cannot be created, opened or listed.
        public static let cannotOpen = Code(name: "cannot_open", isRetryable: false)
        /// Another process (or another open log in this one) uses the directory.
        public static let locked = Code(name: "locked", isRetryable: false)
    }

    public var code: Code
    public var message: String
    /// The system `errno` behind the error, when there is one.
    public var errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var isRetryable: Bool { code.isRetryable }

    public var description: String { message }
}
