import PivotSQLite
import Testing

struct SchemaMigratorTests {
    let migrations = [
        "CREATE TABLE a (x INTEGER)",
        "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z INTEGER)",
        "INSERT INTO b VALUES (7)",
    ]

    @Test func appliesEveryMigrationInOrderOnAFreshDatabase() throws {
        // A new database gets migrations 1, 2, 3 in order and ends at version 3.
        let database = try SQLiteDatabase(path: ":memory:")
        let migrator = SchemaMigrator(migrations: migrations)
        #expect(try migrator.currentVersion(of: database) == 0)
        #expect(try migrator.migrate(database) == [1, 2, 3])
        #expect(try migrator.currentVersion(of: database) == 3)
        let select = try database.prepare("SELECT z FROM b")
        #expect(try select.step())
        #expect(select.int(at: 0) == 7)
        let versions = try database.prepare("SELECT version, applied_at_ms FROM schema_version ORDER BY version")
        var seen: [Int] = []
        while try versions.step() {
            seen.append(versions.int(at: 0))
            #expect(versions.int64(at: 1) > 1_600_000_000_000)
        }
        #expect(seen == [1, 2, 3])
    }

    @Test func skipsMigrationsAlreadyApplied() throws {
        // Running again, or with more migrations added, applies only the ones not yet recorded.
        let database = try SQLiteDatabase(path: ":memory:")
        #expect(try SchemaMigrator(migrations: Array(migrations.prefix(2))).migrate(database) == [1, 2])
        #expect(try SchemaMigrator(migrations: Array(migrations.prefix(2))).migrate(database) == [])
        #expect(try SchemaMigrator(migrations: migrations).migrate(database) == [3])
        let count = try database.prepare("SELECT count(*) FROM b")
        _ = try count.step()
        #expect(count.int(at: 0) == 1)
    }

    @Test func refusesADatabaseNewerThanTheCode() throws {
        // A database at version 3 is refused by code that knows only 2 migrations, with a clear message.
        let database = try SQLiteDatabase(path: ":memory:")
        try SchemaMigrator(migrations: migrations).migrate(database)
        let error = #expect(throws: SchemaMigrationError.self) {
            try SchemaMigrator(migrations: Array(migrations.prefix(2))).migrate(database)
        }
        #expect(error?.code == .newerThanCode)
        #expect(error?.message.contains("schema version 3") == true)
        #expect(error?.message.contains("(2)") == true)
    }

    @Test func aFailingMigrationLeavesThePreviousVersion() throws {
        // A broken migration is rolled back whole; the versions before it stay applied.
        let database = try SQLiteDatabase(path: ":memory:")
        let broken = [migrations[0], "CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1)"]
        let migrator = SchemaMigrator(migrations: broken)
        let error = #expect(throws: SchemaMigrationError.self) { try migrator.migrate(database) }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("migration 2") == true)
        #expect(try migrator.currentVersion(of: database) == 1)
        let table = try database.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'c'")
        _ = try table.step()
        #expect(table.int(at: 0) == 0)
    }
}
