import CSQLite
import Synchronization

/// One SQLite connection.
///
/// Callers serialize use: one unit of work (bind, step, read columns, reset; or a whole
/// `transaction`) at a time, typically by owning the connection in one actor or behind one lock.
/// With the default `SQLiteOptions.threading` (`.serialized`) SQLite's own mutex guards each call,
/// so concurrent misuse cannot corrupt memory, but interleaved statements still see each other's
/// transactions. The class is `Sendable` so it can live in such an owner.
///
/// Statements keep their connection alive. `close()` (or the last reference going away) closes the
/// connection once every statement is gone; using the connection after `close()` throws
/// `SQLITE_MISUSE`.
public final class SQLiteDatabase: @unchecked Sendable {
    /// The C connection handle; valid until the last statement is finalized after `close()`.
    let handle: OpaquePointer
    /// The path given to `init`.
    public let path: String
    private let closed = Atomic<Bool>(false)
    /// Statements used by `transaction`, prepared on first use. Guarded by the callers' serialization.
    private var transactionStatements: TransactionStatements?
    private var savepointDepth = 0
    /// Set by `trackWALFrames()`: the frame count SQLite's WAL hook reported last.
    private let walFrames = WALFrameCounter()

    /// Opens (and with `.readWriteCreate`, creates) the database at `path` and applies `options`.
    /// `":memory:"` opens a private in-memory database.
    public init(path: String, options: SQLiteOptions = .init()) throws(SQLiteError) {
        var flags: Int32 = SQLITE_OPEN_URI
        switch options.access {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        switch options.threading {
        case .serialized: flags |= SQLITE_OPEN_FULLMUTEX
        case .multiThread: flags |= SQLITE_OPEN_NOMUTEX
        }
        var connection: OpaquePointer?
        let rc = sqlite3_open_v2(path, &connection, flags, nil)
        guard rc == SQLITE_OK, let connection else {
            let error = SQLiteError.from(code: rc, connection: connection)
            sqlite3_close_v2(connection)
            throw SQLiteError(code: error.code, message: "cannot open \(path): \(error.message)")
        }
        handle = connection
        self.path = path
        let timeoutMs = options.busyTimeout.components.seconds * 1000
            + options.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(connection, Int32(clamping: timeoutMs))
        do throws(SQLiteError) {
            if options.access != .readOnly {
                try execute("PRAGMA journal_mode = \(options.journalMode.rawValue)")
                try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
                try execute("PRAGMA wal_autocheckpoint = \(options.walAutoCheckpointPages)")
            }
            try execute("PRAGMA cache_size = \(-options.cacheSizeKiB)")
            try execute("PRAGMA mmap_size = \(options.mmapSizeBytes)")
            try execute("PRAGMA foreign_keys = \(options.enforceForeignKeys ? "ON" : "OFF")")
        } catch {
            sqlite3_close_v2(connection)
            closed.store(true, ordering: .relaxed)
            throw error
        }
    }

    deinit {
        close()
    }

    /// Runs SQL without parameters: DDL, `PRAGMA`, several `;`-separated statements. Rows are ignored.
    /// Never build this SQL from user input; use `prepare` and bind parameters instead.
    public func execute(_ sql: String) throws(SQLiteError) {
        try checkOpen()
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            var text = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(errorMessage)
            text += " (in: \(sql))"
            throw SQLiteError(code: rc & 0xff, message: text)
        }
    }

    /// Compiles one statement. Callers keep and reuse statements that run often (bind, step, reset).
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try checkOpen()
        return try SQLiteStatement(database: self, sql: sql)
    }

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` (the write lock is taken up front, waiting up to
    /// the busy timeout), then `COMMIT` when `body` returns or `ROLLBACK` when it throws (the error is
    /// rethrown). Called inside another transaction it nests with a `SAVEPOINT`, rolled back alone on
    /// throw. A failed `COMMIT` rolls back and throws its `SQLiteError`.
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        try checkOpen()
        let statements = try self.statementsForTransactions()
        if savepointDepth > 0 || sqlite3_get_autocommit(handle) == 0 {
            return try nestedTransaction(body)
        }
        try run(statements.begin, sql: "BEGIN IMMEDIATE")
        let result: R
        do {
            result = try body()
        } catch {
            rollbackQuietly(statements.rollback)
            throw error
        }
        do throws(SQLiteError) {
            try run(statements.commit, sql: "COMMIT")
        } catch {
            rollbackQuietly(statements.rollback)
            throw error
        }
        return result
    }

    /// The row id of the most recent successful `INSERT` on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent `INSERT`, `UPDATE` or `DELETE` on this connection.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Makes `walFrames` follow the WAL: after each commit on this connection SQLite reports how many
    /// frames (pages) the WAL holds. This replaces SQLite's automatic checkpoint on this connection
    /// (set `walAutoCheckpointPages` to 0 and checkpoint yourself).
    public func trackWALFrames() {
        sqlite3_wal_hook(handle, { context, _, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALFrameCounter>.fromOpaque(context).takeUnretainedValue().frames.store(Int(frames), ordering: .relaxed)
            return SQLITE_OK
        }, Unmanaged.passUnretained(walFrames).toOpaque())
    }

    /// Frames in the WAL after the last commit on this connection, once `trackWALFrames()` was called
    /// (0 before). A checkpoint that resets the WAL shows here only after the next commit.
    public var walFrameCount: Int { walFrames.frames.load(ordering: .relaxed) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Closes the connection. Idempotent. Statements still referenced keep the C connection alive
    /// until they are released, but must not be used any more.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let statements = transactionStatements {
            for statement in [statements.begin, statements.commit, statements.rollback] {
                sqlite3_finalize(statement)
            }
            transactionStatements = nil
        }
        sqlite3_close_v2(handle)
    }

    func checkOpen() throws(SQLiteError) {
        if closed.load(ordering: .acquiring) {
            throw SQLiteError.misuse("the database \(path) is closed")
        }
    }

    // MARK: Transactions

    private struct TransactionStatements {
        var begin: OpaquePointer
        var commit: OpaquePointer
        var rollback: OpaquePointer
    }

    private func statementsForTransactions() throws(SQLiteError) -> TransactionStatements {
        if let transactionStatements { return transactionStatements }
        let statements = TransactionStatements(
            begin: try rawPrepare("BEGIN IMMEDIATE"),
            commit: try rawPrepare("COMMIT"),
            rollback: try rawPrepare("ROLLBACK"))
        transactionStatements = statements
        return statements
    }

    private func rawPrepare(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError.from(code: rc, connection: handle, sql: sql)
        }
        return statement
    }

    private func run(_ statement: OpaquePointer, sql: String) throws(SQLiteError) {
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw SQLiteError.from(code: rc, connection: handle, sql: sql)
        }
    }

    private func rollbackQuietly(_ statement: OpaquePointer) {
        // SQLite may already have rolled back by itself (for example after SQLITE_FULL); then there is
        // no transaction left and ROLLBACK fails harmlessly.
        if sqlite3_get_autocommit(handle) == 0 {
            sqlite3_step(statement)
            sqlite3_reset(statement)
        }
    }

    private func nestedTransaction<R>(_ body: () throws -> R) throws -> R {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "pivot_sp\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        let result: R
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
        try execute("RELEASE \(name)")
        return result
    }
}

/// The WAL hook's context: lives as long as the connection, which holds it.
private final class WALFrameCounter: Sendable {
    let frames = Atomic<Int>(0)
}
