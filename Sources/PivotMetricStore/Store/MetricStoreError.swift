/// Why the metric store could not open, recover or persist. The code says whether retrying can help.
public struct MetricStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// Whether the same operation may succeed later.
        public let isRetryable: Bool

        public init(name: String, isRetryable: Bool) {
            self.name = name
            self.isRetryable = isRetryable
        }

        public var description: String { name }

        /// The directory, database or write-ahead log cannot be opened (permissions, locked by another process).
        public static let cannotOpen = Code(name: "cannot_open", isRetryable: false)
        /// The database was written by a newer Pivot.
        public static let schemaTooNew = Code(name: "schema_too_new", isRetryable: false)
        /// Loading the database or replaying the write-ahead log failed.
        public static let recoveryFailed = Code(name: "recovery_failed", isRetryable: false)
        /// Writing to SQLite or the write-ahead log failed (disk full, I/O error).
        public static let storage = Code(name: "storage", isRetryable: true)
        /// The store is closed, or was never started.
        public static let notRunning = Code(name: "not_running", isRetryable: false)
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
