import Foundation
import PivotModel
import PivotSQLite
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: restart and crash recovery")
struct StoreRestartTests {
    static func chunked(_ options: inout MetricStoreOptions) {
        options.chunks = ChunkPolicy(maxSamples: 7, maxDuration: 1_000_000)
    }

    /// Writes `rounds` rounds of one sample for each of `seriesCount` series, starting at `firstRound`.
    static func writeRounds(_ store: MetricStore, seriesCount: Int, rounds: Range<Int>) async throws {
        for round in rounds {
            let series = (0..<seriesCount).map { index in
                (StoreTest.labels(["__name__": "node_load", "instance": "host-\(index)"]),
                 [Sample(timestamp: Int64(round) * 15_000, value: Double(index * 1000 + round) / 100)])
            }
            try await StoreTest.write(store, StoreTest.batch(series))
        }
    }

    @Test("after close and reopen every query answers as before")
    func cleanRestart() async throws {
        // Expects the checkpoint at close plus the database to hold everything.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, Self.chunked)
        try await Self.writeRounds(store, seriesCount: 20, rounds: 0..<30)
        let before = try StoreTest.everything(store)
        #expect(before.count == 20)
        #expect(before.allSatisfy { $0.samples.count == 30 })
        await store.close()

        store = try await StoreTest.open(directory, Self.chunked)
        #expect(try StoreTest.everything(store) == before)
        let ranged = try StoreTest.select(
            store, [StoreTest.matcher(.equal, "instance", "host-3")], mint: 100_000, maxt: 200_000)
        #expect(ranged.first?.samples.map(\.timestamp) == Array(stride(from: 105_000, through: 195_000, by: 15_000)))
        // The reloaded open chunks take further samples.
        try await Self.writeRounds(store, seriesCount: 20, rounds: 30..<33)
        #expect(try StoreTest.everything(store).allSatisfy { $0.samples.count == 33 })
        await store.close()
        store = try await StoreTest.open(directory, Self.chunked)
        #expect(try StoreTest.everything(store).allSatisfy { $0.samples.count == 33 })
        await store.close()
    }

    @Test("without close (a crash), replaying the write-ahead log restores every committed sample")
    func crashRecovery() async throws {
        // Expects kill -9 semantics: acknowledged data survives; nothing is doubled.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, Self.chunked)
        try await Self.writeRounds(store, seriesCount: 10, rounds: 0..<12)
        try await store.checkpoint()
        try await Self.writeRounds(store, seriesCount: 12, rounds: 12..<25)
        let before = try StoreTest.everything(store)
        await store.shutDown(checkpointing: .abandon)

        store = try await StoreTest.open(directory, Self.chunked)
        #expect(try StoreTest.everything(store) == before)
        // A second crash right after recovery changes nothing either.
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory, Self.chunked)
        #expect(try StoreTest.everything(store) == before)
        try await Self.writeRounds(store, seriesCount: 12, rounds: 25..<26)
        await store.close()
        store = try await StoreTest.open(directory, Self.chunked)
        #expect(try StoreTest.everything(store).reduce(0) { $0 + $1.samples.count } == 10 * 12 + 12 * 13 + 12)
        await store.close()
    }

    @Test("a torn record at the end of the log is cut off and the store starts")
    func tornTail() async throws {
        // Expects a half-written last record to be dropped, never a refusal to start.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        try await Self.writeRounds(store, seriesCount: 3, rounds: 0..<5)
        let before = try StoreTest.everything(store)
        await store.shutDown(checkpointing: .abandon)
        let segment = try StoreTest.lastSegment(directory)
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data([0x40, 0, 0, 0, 2, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]))
        try handle.close()

        store = try await StoreTest.open(directory)
        #expect(store.isReady)
        #expect(try StoreTest.everything(store) == before)
        await store.close()
    }

    @Test("a database written by a newer schema is refused")
    func newerSchema() async throws {
        // Expects schema_too_new rather than reading a format this build does not know.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        await store.close()
        let database = try MetricDatabase(path: directory.path + "/metrics.sqlite", cacheKiB: 1024, pageSize: 4096)
        try database.connection.execute("INSERT INTO schema_version (version, applied_at_ms) VALUES (99, 0)")
        database.close()
        let error = await #expect(throws: MetricStoreError.self) {
            _ = try await StoreTest.open(directory)
        }
        #expect(error?.code == .schemaTooNew)
    }

    @Test("checkpoints remove covered write-ahead log segments")
    func checkpointTruncatesLog() async throws {
        // Expects the log to shrink to the segment after the checkpoint's cut.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await Self.writeRounds(store, seriesCount: 50, rounds: 0..<20)
        let grown = store.wal.sizeBytes
        #expect(grown > 0)
        try await store.checkpoint()
        #expect(store.wal.sizeBytes < 64)
        #expect(store.wal.segments.count <= 1)
        await store.close()
    }
}
