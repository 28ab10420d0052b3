import CSQLite

/// A compiled statement with bound parameters: the only way values reach SQL (never string-built SQL
/// with user input).
///
/// Parameter indexes start at 1 (`?1`, or the n-th `?`); column indexes start at 0. Use one statement
/// from one caller at a time, like its connection: bind, `step` until it returns false, read columns
/// while a row is available, `reset` before reuse. Text and blob column values are copied out; a
/// column read is valid only until the next `step`, `reset` or finalization.
public final class SQLiteStatement: @unchecked Sendable {
    let handle: OpaquePointer
    /// Keeps the connection alive (and supplies error messages) while the statement exists.
    public let database: SQLiteDatabase

    init(database: SQLiteDatabase, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let rc = sql.withCString { cSQL in
            sqlite3_prepare_v3(database.handle, cSQL, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
        }
        guard rc == SQLITE_OK else {
            throw SQLiteError.from(code: rc, connection: database.handle, sql: sql)
        }
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in SQL (in: \(sql))")
        }
        self.handle = statement
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The statement's SQL text.
    public var sql: String { String(cString: sqlite3_sql(handle)) }

    // MARK: Binding

    public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ value: Int, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, Int64(value)))
    }

    public func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds UTF-8 text (SQLite copies it).
    public func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        var value = value
        let rc = value.withUTF8 { utf8 -> Int32 in
            // A nil pointer would bind NULL; an empty string must stay an empty string.
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                sqlite3_bind_text64(handle, index, chars, UInt64(utf8.count), sqliteTransient, UInt8(SQLITE_UTF8))
            }
        }
        try check(rc)
    }

    /// Binds a blob (SQLite copies it). An empty array binds an empty blob, not NULL.
    public func bind(_ value: [UInt8], at index: Int32) throws(SQLiteError) {
        let rc = value.withUnsafeBytes { bytes in bindBlob(bytes, at: index, destructor: sqliteTransient) }
        try check(rc)
    }

    /// Binds a blob from memory the caller owns; SQLite copies it before returning.
    public func bind(blob: UnsafeRawBufferPointer, at index: Int32) throws(SQLiteError) {
        try check(bindBlob(blob, at: index, destructor: sqliteTransient))
    }

    /// Binds a blob without copying. The memory must stay valid and unchanged until the statement is
    /// reset, rebound at `index`, has its bindings cleared or is released.
    public func bind(unsafeStaticBlob blob: UnsafeRawBufferPointer, at index: Int32) throws(SQLiteError) {
        try check(bindBlob(blob, at: index, destructor: nil))
    }

    public func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// The 1-based index of the named parameter (`:name`, `@name`, `$name`, including the prefix), or nil.
    public func parameterIndex(_ name: String) -> Int32? {
        let index = sqlite3_bind_parameter_index(handle, name)
        return index == 0 ? nil : index
    }

    // MARK: Stepping

    /// Runs the statement to the next row. Returns true when a row is available, false when the
    /// statement is done. On error the statement is reset (bindings kept) and the error thrown.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let error = SQLiteError.from(code: rc, connection: database.handle, sql: sql)
        sqlite3_reset(handle)
        throw error
    }

    /// Steps until done, ignoring rows, then resets: for `INSERT`, `UPDATE`, `DELETE`.
    public func run() throws(SQLiteError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Makes the statement ready to run again. Bindings are kept.
    public func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Columns

    /// Number of columns in a result row.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(at column: Int32) -> String {
        sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
    }

    /// The column as an integer (NULL reads 0; other types are converted as SQLite does).
    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func int(at column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    /// The column as a double (NULL reads 0).
    public func double(at column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// The column as text (NULL reads ""; invalid UTF-8 is repaired).
    public func text(at column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column as a blob, copied (NULL reads []).
    public func blob(at column: Int32) -> [UInt8] {
        withBlob(at: column) { Array($0) }
    }

    /// Calls `body` with the column's bytes without copying; the buffer is valid only inside `body`.
    public func withBlob<R, E: Error>(
        at column: Int32, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? pointer : nil, count: count))
    }

    public func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    // MARK: Helpers

    private func bindBlob(
        _ blob: UnsafeRawBufferPointer, at index: Int32, destructor: sqlite3_destructor_type?
    ) -> Int32 {
        guard let base = blob.baseAddress, blob.count > 0 else {
            return sqlite3_bind_zeroblob(handle, index, 0)
        }
        return sqlite3_bind_blob64(handle, index, base, UInt64(blob.count), destructor)
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else {
            throw SQLiteError.from(code: rc, connection: database.handle, sql: sql)
        }
    }
}

/// SQLite's `SQLITE_TRANSIENT` (a destructor value of -1: "copy before returning"), which Swift does not
/// import as a constant.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
