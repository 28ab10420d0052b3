/// Why the trace store could not open, write or sweep. The code says whether retrying can help.
public struct TraceStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// Whether the same operation may succeed later.
        public let isRetryable: Bool

        public init(name: String, isRetryable: Bool) {
            self.name = name
            self.isRetryable = isRetryable
        }

        public var description: String { name }

        /// The directory or database cannot be opened (not a directory, permissions, not a SQLite file).
        public static let cannotOpen = Code(name: "cannot_open", isRetryable: false)
        /// The database was written by a newer Pivot.
        public static let schemaTooNew = Code(name: "schema_too_new", isRetryable: false)
        /// Writing or deleting failed (disk full, I/O error, database locked).
        public static let storage = Code(name: "storage", isRetryable: true)
        /// The store is closed.
        public static let closed = Code(name: "closed", isRetryable: false)
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
