import Foundation
import PivotModel
import PivotSQLite
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: a damaged chunk BLOB", .serialized)
struct ChunkCorruptionTests {
    /// Damages the persisted chunks of the series with `instance`: flips a byte in the middle of each
    /// (`mode` .flip), or cuts them short (`.truncate`).
    enum Damage { case flip, truncate }

    static func damage(_ directory: StoreTestDirectory, instance: String, _ damage: Damage) throws -> Int {
        let connection = try SQLiteDatabase(path: directory.path + "/metrics.sqlite")
        defer { connection.close() }
        var damaged = 0
        for table in ["chunks", "open_chunks"] {
            damaged += try Self.damage(connection, table: table, instance: instance, damage)
        }
        return damaged
    }

    static func damage(_ connection: SQLiteDatabase, table: String, instance: String, _ damage: Damage) throws -> Int {
        var texts: [Int64: [UInt8]] = [:]
        let symbols = try connection.prepare("SELECT id, text FROM label_symbols")
        while try symbols.step() { texts[symbols.int64(at: 0)] = symbols.blob(at: 1) }
        symbols.reset()
        let rows = try connection.prepare(
            "SELECT series_id, min_t, data, labels FROM \(table) JOIN series ON series.id = \(table).series_id")
        var targets: [(Int64, Int64, [UInt8])] = []
        while try rows.step() {
            let labels = try #require(SeriesRow.decode(rows.blob(at: 3), texts: texts))
            guard String(decoding: labels, as: UTF8.self).contains(instance) else { continue }
            targets.append((rows.int64(at: 0), rows.int64(at: 1), rows.blob(at: 2)))
        }
        rows.reset()
        let update = try connection.prepare("UPDATE \(table) SET data = ?3 WHERE series_id = ?1 AND min_t = ?2")
        for (series, minTime, data) in targets {
            var damaged = data
            switch damage {
            case .flip: damaged[data.count / 2] ^= 0x5a
            case .truncate: damaged = Array(data.prefix(data.count / 2))
            }
            try update.bind(series, at: 1)
            try update.bind(minTime, at: 2)
            try update.bind(damaged, at: 3)
            try update.run()
        }
        return targets.count
    }

    @Test("a chunk whose bytes were changed is left out; everything else stays readable", arguments: [Damage.flip, .truncate])
    func damagedChunksAreDroppedAndCounted(damage: Damage) async throws {
        // Flip a byte in (or cut short) every stored chunk of one series: after a restart that series
        // loses exactly those chunks, logged and counted; the other series answer as before.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, StoreRestartTests.chunked)
        try await StoreRestartTests.writeRounds(store, seriesCount: 5, rounds: 0..<30)
        let before = try StoreTest.everything(store)
        await store.close()

        let damaged = try Self.damage(directory, instance: "host-2", damage)
        #expect(damaged >= 3, "the series should have several persisted chunks")
        let droppedBefore = ChunkIntegrity.droppedCount
        store = try await StoreTest.open(directory, StoreRestartTests.chunked)
        let after = try StoreTest.everything(store)
        #expect(ChunkIntegrity.droppedCount - droppedBefore >= damaged, "every damaged chunk is detected and counted")
        for series in before {
            let now = after.first { $0.labels == series.labels }
            if series.labels.description.contains("host-2") {
                let samples = now?.samples ?? []
                #expect(samples.count < series.samples.count, "the damaged chunks must not be read")
                #expect(Set(samples).isSubset(of: Set(series.samples)), "no damaged value may appear")
            } else {
                #expect(now?.samples == series.samples, "undamaged series are untouched")
            }
        }
        // The store keeps taking writes for the damaged series.
        try await StoreRestartTests.writeRounds(store, seriesCount: 5, rounds: 30..<32)
        let written = try StoreTest.everything(store).first { $0.labels.description.contains("host-2") }
        let lastTimestamp: Int64? = written?.samples.last?.timestamp
        #expect(lastTimestamp == Int64(31 * 15_000))
        await store.close()
    }
}
