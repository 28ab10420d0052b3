/// Why the schema could not be brought up to date.
public struct SchemaMigrationError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(name: String) { self.name = name }
        public var description: String { name }

        /// The database was written by a newer schema than this code knows; nothing was changed.
        public static let newerThanCode = Code(name: "schema_newer_than_code")
        /// A migration or the version bookkeeping failed; the database is at the last good version.
        public static let failed = Code(name: "migration_failed")
    }

    public var code: Code
    public var message: String
    /// The SQLite error behind a `.failed`, when there is one.
    public var sqliteError: SQLiteError?

    public init(_ code: Code, _ message: String, sqliteError: SQLiteError? = nil) {
        self.code = code
        self.message = message
        self.sqliteError = sqliteError
    }

    public var description: String { message }
}
