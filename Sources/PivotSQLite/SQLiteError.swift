import CSQLite

/// A failed SQLite call: the SQLite result code and a message with SQLite's own explanation and the
/// SQL that failed, so a log line says what to look at.
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The primary SQLite result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …).
    public var code: Int32
    /// `sqlite3_errmsg` plus the statement's SQL when there is one.
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SQLite error \(code): \(message)" }

    /// Whether another connection held a lock past the busy timeout; retrying later may succeed.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// Whether the disk (or the file system quota) is full; retrying after space is freed may succeed.
    public var isFull: Bool { code == SQLITE_FULL }

    /// Whether a constraint (`UNIQUE`, `NOT NULL`, …) refused the statement.
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// Builds the error for result `code` from the connection's current error message.
    static func from(code: Int32, connection: OpaquePointer?, sql: String? = nil) -> SQLiteError {
        var text: String
        if let connection, let cMessage = sqlite3_errmsg(connection) {
            text = String(cString: cMessage)
        } else if let cMessage = sqlite3_errstr(code) {
            text = String(cString: cMessage)
        } else {
            text = "unknown error"
        }
        if let sql { text += " (in: \(sql))" }
        return SQLiteError(code: code & 0xff, message: text)
    }

    static func misuse(_ message: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISUSE, message: message)
    }
}
