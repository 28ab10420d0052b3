import Foundation
import PivotModel
import PivotSQLite
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: schema migrations of persisted chunks")
struct StoreSchemaMigrationTests {
    /// Rewrites a closed store's database into the layout of schema version 2: one `chunks` table
    /// keyed by (series, min time) holding sealed and open chunks alike.
    static func downgradeToVersion2(_ directory: StoreTestDirectory) throws {
        let connection = try SQLiteDatabase(path: directory.path + "/metrics.sqlite")
        defer { connection.close() }
        // Exemplars: one row each in `exemplars` instead of blocks.
        let blocks = try connection.prepare("SELECT series_id, data FROM exemplar_blocks")
        var rows: [StoredExemplar] = []
        while try blocks.step() {
            let series = try #require(SeriesID(exactly: blocks.int64(at: 0)))
            rows += try #require(ExemplarBlock.decode(blocks.blob(at: 1), series: series))
        }
        blocks.reset()
        let insert = try connection.prepare("INSERT INTO exemplars (series_id, t, value_bits, labels) VALUES (?1, ?2, ?3, ?4)")
        for row in rows {
            try insert.bind(Int64(row.series), at: 1)
            try insert.bind(row.timestamp, at: 2)
            try insert.bind(Int64(bitPattern: row.valueBits), at: 3)
            try insert.bind(row.labels, at: 4)
            try insert.run()
        }
        // Series: the label set encoding itself instead of symbol ids.
        var texts: [Int64: [UInt8]] = [:]
        let symbols = try connection.prepare("SELECT id, text FROM label_symbols")
        while try symbols.step() { texts[symbols.int64(at: 0)] = symbols.blob(at: 1) }
        symbols.reset()
        let series = try connection.prepare("SELECT id, labels FROM series")
        var labelRows: [(Int64, [UInt8])] = []
        while try series.step() {
            labelRows.append((series.int64(at: 0), try #require(SeriesRow.decode(series.blob(at: 1), texts: texts))))
        }
        series.reset()
        let update = try connection.prepare("UPDATE series SET labels = ?2 WHERE id = ?1")
        for (id, labels) in labelRows {
            #expect(labels.first != SeriesRow.symbolMarker)
            try update.bind(id, at: 1)
            try update.bind(labels, at: 2)
            try update.run()
        }
        try connection.execute("""
            BEGIN;
            DROP TABLE label_symbols;
            DROP TABLE exemplar_blocks;
            CREATE TABLE chunks_v2 (
                series_id INTEGER NOT NULL, min_t INTEGER NOT NULL, max_t INTEGER NOT NULL,
                data BLOB NOT NULL, crc INTEGER, PRIMARY KEY (series_id, min_t)
            ) WITHOUT ROWID;
            INSERT INTO chunks_v2 SELECT series_id, min_t, max_t, data, crc FROM chunks;
            INSERT OR REPLACE INTO chunks_v2 SELECT series_id, min_t, max_t, data, crc FROM open_chunks;
            DROP VIEW all_chunks;
            DROP TABLE open_chunks;
            DROP TABLE chunks;
            ALTER TABLE chunks_v2 RENAME TO chunks;
            DELETE FROM schema_version WHERE version >= 3;
            COMMIT;
            """)
    }

    static func count(_ directory: StoreTestDirectory, _ sql: String) throws -> Int64 {
        let connection = try SQLiteDatabase(path: directory.path + "/metrics.sqlite")
        defer { connection.close() }
        let statement = try connection.prepare(sql)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(at: 0) : -1
    }

    static let series = StoreTest.labels(["__name__": "node_load", "instance": "host-1"])

    static func exemplars(_ store: MetricStore) throws -> [Exemplar] {
        try store.exemplars([[StoreTest.matcher(.equal, "instance", "host-1")]], mint: .min, maxt: .max).first?.exemplars ?? []
    }

    @Test("a version-2 database opens with every series, sample and exemplar, and its last open chunk keeps growing")
    func version2ChunksMigrate() async throws {
        // Expects migration 3 to move every chunk row into the sealed table: the open chunk among
        // them is reloaded as the head, superseded by its open row, and replaced once it is sealed.
        // Expects exemplar rows of schema 2 to be read beside the blocks migration 4 adds.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, StoreRestartTests.chunked)
        try await StoreRestartTests.writeRounds(store, seriesCount: 6, rounds: 0..<30)
        let old = (0..<3).map { StoreExemplarTests.exemplar(Int64($0) * 15_000, trace: String(format: "%032x", $0), value: Double($0) / 8) }
        try await StoreTest.write(store, StoreTest.batch([(Self.series, [])], exemplars: [Self.series: old]))
        let before = try StoreTest.everything(store)
        await store.close()
        try Self.downgradeToVersion2(directory)
        #expect(try Self.count(directory, "SELECT count(*) FROM chunks") == 6 * 5)
        #expect(try Self.count(directory, "SELECT count(*) FROM exemplars") == 3)

        store = try await StoreTest.open(directory, StoreRestartTests.chunked)
        #expect(try StoreTest.everything(store) == before)
        #expect(try Self.exemplars(store) == old)
        #expect(try Self.count(directory, "SELECT max(version) FROM schema_version") == MetricSchema.migrations.count)
        let new = StoreExemplarTests.exemplar(35 * 15_000, trace: "4bf92f3577b34da6a3ce929d0e0e4736", value: 0.25)
        try await StoreTest.write(store, StoreTest.batch([(Self.series, [])], exemplars: [Self.series: [new, old[1]]]))
        // Rounds 30 and 31 fill the reloaded open chunk (28, 29 + 5 more); the rest starts a new one.
        try await StoreRestartTests.writeRounds(store, seriesCount: 6, rounds: 30..<40)
        try await store.checkpoint()
        #expect(try StoreTest.everything(store).allSatisfy { $0.samples.map(\.timestamp) == (0..<40).map { Int64($0) * 15_000 } })
        await store.close()

        store = try await StoreTest.open(directory, StoreRestartTests.chunked)
        let after = try StoreTest.everything(store)
        #expect(after.count == 6)
        #expect(try Self.exemplars(store) == old + [new])
        #expect(try Self.count(directory, "SELECT count(*) FROM exemplar_blocks") == 1)
        for series in after {
            #expect(series.samples.map(\.timestamp) == (0..<40).map { Int64($0) * 15_000 })
        }
        await store.close()
        // Sealed: 0-6, 7-13, 14-20, 21-27, 28-34 (the migrated open chunk, replaced); open: 35-39.
        #expect(try Self.count(directory, "SELECT count(*) FROM chunks") == 6 * 5)
        #expect(try Self.count(directory, "SELECT count(*) FROM open_chunks") == 6)
    }

    @Test("sealed chunks are appended in write order; each series has at most one open row")
    func sealedRowsAppend() async throws {
        // Expects the rowid order of sealed chunks to follow the checkpoints that wrote them, so
        // SQLite fills their pages at the end of the table instead of splitting pages in the middle.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory, StoreRestartTests.chunked)
        for part in 0..<4 {
            try await StoreRestartTests.writeRounds(store, seriesCount: 10, rounds: part * 10..<(part + 1) * 10)
            try await store.checkpoint()
        }
        await store.close()
        let connection = try SQLiteDatabase(path: directory.path + "/metrics.sqlite")
        defer { connection.close() }
        let rows = try connection.prepare("SELECT id, min_t FROM chunks ORDER BY id")
        var minTimes: [Int64] = []
        while try rows.step() { minTimes.append(rows.int64(at: 1)) }
        rows.reset()
        #expect(minTimes.count == 10 * 5)
        // A chunk written by a later checkpoint never gets a smaller rowid than one written earlier.
        // Chunk k (samples 7k...7k+6) is sealed by round 7(k+1), which checkpoint 7(k+1)/10 writes.
        let checkpointOf = { (minTime: Int64) -> Int in (Int(minTime / 15_000) / 7 + 1) * 7 / 10 }
        #expect(minTimes.map(checkpointOf) == minTimes.map(checkpointOf).sorted())
        let open = try connection.prepare("SELECT count(*), count(DISTINCT series_id) FROM open_chunks")
        #expect(try open.step())
        #expect(open.int64(at: 0) == 10 && open.int64(at: 1) == 10)
        open.reset()
    }
}
