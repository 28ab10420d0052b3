/// Brings a database's schema to the newest version this code knows.
///
/// Migration `n` (1-based) is `migrations[n - 1]`: SQL run with `SQLiteDatabase.execute`, so it may
/// hold several `;`-separated statements. Migrations are append-only: never edit or reorder a
/// shipped one, add a new one instead. Each pending migration runs in its own `BEGIN IMMEDIATE`
/// transaction together with the row recording it in `schema_version(version, applied_at_ms)`, so
/// a failed migration leaves the database at the previous version. Migrations must therefore be
/// transactional (no `PRAGMA journal_mode`, no `VACUUM`).
///
/// A database whose version is newer than `migrations.count` (written by a newer Pivot) is refused
/// with `SchemaMigrationError.Code.newerThanCode`, untouched.
public struct SchemaMigrator: Sendable {
    public var migrations: [String]

    public init(migrations: [String]) {
        self.migrations = migrations
    }

    /// The newest version this migrator knows.
    public var latestVersion: Int { migrations.count }

    /// Applies the pending migrations in order and returns the versions applied (empty when the
    /// schema was current).
    @discardableResult
    public func migrate(_ database: SQLiteDatabase) throws(SchemaMigrationError) -> [Int] {
        do {
            try database.execute("""
                CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY NOT NULL,
                    applied_at_ms INTEGER NOT NULL
                )
                """)
        } catch {
            throw SchemaMigrationError(.failed, "cannot create schema_version: \(error.message)", sqliteError: error)
        }
        var applied: [Int] = []
        while true {
            let outcome: StepOutcome
            do {
                // The version is read inside the write transaction, so two processes migrating the same
                // file at once apply each migration exactly once.
                outcome = try database.transaction { () throws -> StepOutcome in
                    let current = try Self.readVersion(database)
                    if current > migrations.count { return .tooNew(current) }
                    if current == migrations.count { return .done }
                    let next = current + 1
                    do throws(SQLiteError) {
                        try database.execute(migrations[next - 1])
                    } catch {
                        throw SchemaMigrationError(
                            .failed, "migration \(next) failed: \(error.message)", sqliteError: error)
                    }
                    let record = try database.prepare(
                        "INSERT INTO schema_version (version, applied_at_ms) "
                            + "VALUES (?1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))")
                    try record.bind(next, at: 1)
                    try record.run()
                    return .applied(next)
                }
            } catch let error as SchemaMigrationError {
                throw error
            } catch let error as SQLiteError {
                throw SchemaMigrationError(.failed, "schema migration failed: \(error.message)", sqliteError: error)
            } catch {
                throw SchemaMigrationError(.failed, "schema migration failed: \(error)")
            }
            switch outcome {
            case .done:
                return applied
            case .applied(let version):
                applied.append(version)
            case .tooNew(let version):
                throw SchemaMigrationError(
                    .newerThanCode,
                    "the database \(database.path) has schema version \(version), newer than the newest "
                        + "this build knows (\(migrations.count)); it was written by a newer version; "
                        + "upgrade, or point to another data directory")
            }
        }
    }

    /// The database's schema version: 0 for a database never migrated.
    public func currentVersion(of database: SQLiteDatabase) throws(SchemaMigrationError) -> Int {
        do {
            let exists = try database.prepare(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
            guard try exists.step(), exists.int64(at: 0) > 0 else { return 0 }
            return try Self.readVersion(database)
        } catch {
            throw SchemaMigrationError(.failed, "cannot read the schema version: \(error.message)", sqliteError: error)
        }
    }

    private enum StepOutcome {
        case done
        case applied(Int)
        case tooNew(Int)
    }

    private static func readVersion(_ database: SQLiteDatabase) throws(SQLiteError) -> Int {
        let statement = try database.prepare("SELECT coalesce(max(version), 0) FROM schema_version")
        guard try statement.step() else { return 0 }
        return statement.int(at: 0)
    }
}
