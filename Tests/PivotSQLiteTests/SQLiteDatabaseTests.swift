import CSQLite
import Glibc
import PivotSQLite
import Testing

/// A fresh database file in its own temporary directory, removed by `remove()`.
struct TemporaryDatabase {
    let directory: String
    var path: String { directory + "/test.sqlite" }

    init() {
        var template = Array("/tmp/pivot-sqlite-XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed")
        directory = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func remove() {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
        rmdir(directory)
    }
}

struct SQLiteDatabaseTests {
    @Test func bindsAndReadsEveryColumnTypeIncludingBlobsAndNulls() throws {
        // Values bound as integer, double, text, blob and NULL come back unchanged from a SELECT.
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n BLOB)")
        let insert = try database.prepare("INSERT INTO t (i, d, s, b, n) VALUES (?1, ?2, ?3, ?4, ?5)")
        try insert.bind(Int64.min, at: 1)
        try insert.bind(-0.5, at: 2)
        try insert.bind("héllo, 世界", at: 3)
        try insert.bind([0, 1, 2, 255] as [UInt8], at: 4)
        try insert.bindNull(at: 5)
        try insert.run()
        #expect(database.lastInsertRowID == 1)
        #expect(database.changes == 1)

        let select = try database.prepare("SELECT i, d, s, b, n FROM t")
        #expect(try select.step())
        #expect(select.int64(at: 0) == Int64.min)
        #expect(select.double(at: 1) == -0.5)
        #expect(select.text(at: 2) == "héllo, 世界")
        #expect(select.blob(at: 3) == [0, 1, 2, 255])
        #expect(select.isNull(at: 4))
        #expect(!select.isNull(at: 3))
        #expect(select.blob(at: 4) == [])
        #expect(try select.step() == false)
    }

    @Test func emptyStringsAndEmptyBlobsAreNotNull() throws {
        // An empty string and an empty blob are stored as empty values, never as NULL.
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (s TEXT, b BLOB)")
        let insert = try database.prepare("INSERT INTO t VALUES (?1, ?2)")
        try insert.bind("", at: 1)
        try insert.bind([UInt8](), at: 2)
        try insert.run()
        let select = try database.prepare("SELECT s IS NULL, b IS NULL, length(s), length(b) FROM t")
        #expect(try select.step())
        #expect(select.int64(at: 0) == 0)
        #expect(select.int64(at: 1) == 0)
        #expect(select.int64(at: 2) == 0)
        #expect(select.int64(at: 3) == 0)
    }

    @Test func blobsBoundFromBuffersAreReadWithoutCopying() throws {
        // A blob bound from a raw buffer (copied or static) reads back through withBlob.
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (b BLOB)")
        let insert = try database.prepare("INSERT INTO t VALUES (?1)")
        let payload: [UInt8] = Array(0..<200).map { UInt8($0) }
        try payload.withUnsafeBytes { buffer in
            try insert.bind(blob: buffer, at: 1)
            try insert.run()
            try insert.bind(unsafeStaticBlob: buffer, at: 1)
            try insert.run()
            insert.clearBindings()
        }
        let select = try database.prepare("SELECT b FROM t")
        var rows = 0
        while try select.step() {
            let sum = select.withBlob(at: 0) { bytes in bytes.reduce(0) { $0 + Int($1) } }
            #expect(sum == payload.reduce(0) { $0 + Int($1) })
            rows += 1
        }
        #expect(rows == 2)
    }

    @Test func statementsRunAgainAfterReset() throws {
        // One prepared statement inserts many rows when rebound and reset between runs.
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        let insert = try database.prepare("INSERT INTO t (k, v) VALUES (?, ?)")
        for k in 0..<100 {
            try insert.bind(k, at: 1)
            try insert.bind("v\(k)", at: 2)
            #expect(try insert.step() == false)
            insert.reset()
        }
        let count = try database.prepare("SELECT count(*), sum(k) FROM t")
        #expect(try count.step())
        #expect(count.int(at: 0) == 100)
        #expect(count.int(at: 1) == 4950)
    }

    @Test func errorsCarryTheCodeTheSQLiteMessageAndTheSQL() throws {
        // A failing statement throws an SQLiteError naming SQLite's reason and the statement.
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
        let insert = try database.prepare("INSERT INTO t (k) VALUES (?1)")
        try insert.bind(1, at: 1)
        try insert.run()
        let error = #expect(throws: SQLiteError.self) { try insert.run() }
        #expect(error?.isConstraintViolation == true)
        #expect(error?.message.contains("UNIQUE") == true)
        #expect(error?.message.contains("INSERT INTO t") == true)

        let syntax = #expect(throws: SQLiteError.self) { _ = try database.prepare("SELEC nonsense") }
        #expect(syntax?.code == SQLITE_ERROR)
        #expect(syntax?.message.contains("SELEC nonsense") == true)

        let range = #expect(throws: SQLiteError.self) { try insert.bind(1, at: 7) }
        #expect(range?.code == SQLITE_RANGE)
    }

    @Test func transactionCommitsWhenTheBodyReturns() throws {
        // Rows written inside a transaction that returns normally are committed and its result returned.
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (k INTEGER)")
        let insert = try database.prepare("INSERT INTO t VALUES (?1)")
        let result = try database.transaction { () throws -> String in
            #expect(database.isInTransaction)
            for k in 0..<10 {
                try insert.bind(k, at: 1)
                try insert.run()
            }
            return "done"
        }
        #expect(result == "done")
        #expect(!database.isInTransaction)
        #expect(try rowCount(database) == 10)
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        // A throwing body leaves no trace of its writes, and the body's error reaches the caller.
        struct Boom: Error {}
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (k INTEGER)")
        try database.execute("INSERT INTO t VALUES (1)")
        #expect(throws: Boom.self) {
            try database.transaction {
                try database.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(!database.isInTransaction)
        #expect(try rowCount(database) == 1)
    }

    @Test func nestedTransactionsRollBackOnlyTheInnerPart() throws {
        // A transaction inside a transaction is a savepoint: its rollback keeps the outer writes.
        struct Boom: Error {}
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (k INTEGER)")
        try database.transaction {
            try database.execute("INSERT INTO t VALUES (1)")
            try? database.transaction {
                try database.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
            try database.transaction {
                try database.execute("INSERT INTO t VALUES (3)")
            }
        }
        let select = try database.prepare("SELECT group_concat(k) FROM (SELECT k FROM t ORDER BY k)")
        #expect(try select.step())
        #expect(select.text(at: 0) == "1,3")
    }

    @Test func fileDatabasesUseTheConfiguredJournalModeAndPersist() throws {
        // A file database opens in WAL mode by default and its committed rows are seen by a new connection.
        let temporary = TemporaryDatabase()
        defer { temporary.remove() }
        do {
            let database = try SQLiteDatabase(path: temporary.path)
            let mode = try database.prepare("PRAGMA journal_mode")
            #expect(try mode.step())
            #expect(mode.text(at: 0) == "wal")
            try database.execute("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (42)")
            database.close()
        }
        let reader = try SQLiteDatabase(path: temporary.path, options: .readOnly)
        let select = try reader.prepare("SELECT k FROM t")
        #expect(try select.step())
        #expect(select.int(at: 0) == 42)
        #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
    }

    @Test func walFrameCountFollowsCommitsAndRestartsAfterACheckpoint() throws {
        // Each commit adds frames; after a complete checkpoint the next commit writes the WAL from its start.
        let temporary = TemporaryDatabase()
        defer { temporary.remove() }
        var options = SQLiteOptions()
        options.walAutoCheckpointPages = 0
        let database = try SQLiteDatabase(path: temporary.path, options: options)
        database.trackWALFrames()
        #expect(database.walFrameCount == 0)
        try database.execute("CREATE TABLE t (v BLOB)")
        let afterCreate = database.walFrameCount
        #expect(afterCreate > 0)
        let insert = try database.prepare("INSERT INTO t VALUES (?1)")
        for _ in 0..<20 {
            try insert.bind([UInt8](repeating: 7, count: 8_000), at: 1)
            try insert.run()
        }
        let grown = database.walFrameCount
        #expect(grown > afterCreate + 40)
        try database.execute("PRAGMA wal_checkpoint(PASSIVE)")
        try insert.bind([UInt8](repeating: 7, count: 10), at: 1)
        try insert.run()
        #expect(database.walFrameCount < 5)
    }

    @Test func aClosedDatabaseRefusesWork() throws {
        // After close, execute and prepare throw SQLITE_MISUSE instead of touching a closed handle.
        let database = try SQLiteDatabase(path: ":memory:")
        database.close()
        database.close()
        let error = #expect(throws: SQLiteError.self) { try database.execute("SELECT 1") }
        #expect(error?.code == SQLITE_MISUSE)
        #expect(throws: SQLiteError.self) { _ = try database.prepare("SELECT 1") }
    }

    @Test func openingAMissingFileWithoutCreateFails() throws {
        // `.readWrite` access does not create a database file.
        var options = SQLiteOptions()
        options.access = .readWrite
        let error = #expect(throws: SQLiteError.self) {
            _ = try SQLiteDatabase(path: "/tmp/pivot-does-not-exist-\(getpid())/x.sqlite", options: options)
        }
        #expect(error?.code == SQLITE_CANTOPEN)
    }

    private func rowCount(_ database: SQLiteDatabase) throws -> Int {
        let count = try database.prepare("SELECT count(*) FROM t")
        _ = try count.step()
        return count.int(at: 0)
    }
}
