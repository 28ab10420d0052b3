import Foundation
import PivotModel
import PivotSQLite
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: series rows as label symbols")
struct SeriesRowTests {
    static func node(_ host: Int, cpu: Int) -> Labels {
        StoreTest.labels([
            "__name__": "node_cpu_seconds_total", "cluster": "eu-west-1-prod-00", "cpu": "\(cpu)", "env": "prod",
            "instance": "10.0.0.\(host):9100", "job": "node", "mode": "idle", "region": "eu-west-1",
        ])
    }

    @Test("label sets round-trip through symbol ids; shared strings are stored once")
    func roundTrip() throws {
        var symbols = SeriesRow.Symbols()
        var added: [(id: Int64, text: [UInt8])] = []
        var rows: [[UInt8]] = []
        let labelSets = (0..<4).flatMap { host in (0..<8).map { Self.node(host, cpu: $0) } }
            + [StoreTest.labels(["__name__": "é☃", "a": String(repeating: "x", count: 300)])]
        for labels in labelSets {
            rows.append(try #require(SeriesRow.encode(LabelSetEncoding.encode(labels), symbols: &symbols, added: &added)))
        }
        let texts = Dictionary(uniqueKeysWithValues: added.map { ($0.id, $0.text) })
        for (labels, row) in zip(labelSets, rows) {
            #expect(row.first == SeriesRow.symbolMarker)
            #expect(SeriesRow.decode(row, texts: texts) == LabelSetEncoding.encode(labels))
        }
        // 8 names, 8 cpus, 4 instances and 5 other values, plus the last set's 4 strings.
        #expect(added.count == 8 + 8 + 4 + 5 + 4)
        #expect(rows[0].count < 20 && LabelSetEncoding.encode(labelSets[0]).count > 120)
        // A label set encoding (schema before 5) is read as it is.
        let legacy = LabelSetEncoding.encode(labelSets[1])
        #expect(SeriesRow.decode(legacy, texts: [:]) == legacy)
    }

    @Test("a row naming a missing symbol, or cut short, does not decode")
    func damaged() throws {
        var symbols = SeriesRow.Symbols()
        var added: [(id: Int64, text: [UInt8])] = []
        let row = try #require(SeriesRow.encode(LabelSetEncoding.encode(Self.node(1, cpu: 1)), symbols: &symbols, added: &added))
        var texts = Dictionary(uniqueKeysWithValues: added.map { ($0.id, $0.text) })
        for length in 1..<row.count { #expect(SeriesRow.decode(Array(row.prefix(length)), texts: texts) == nil) }
        #expect(SeriesRow.decode(row + [1], texts: texts) == nil)
        texts[added[3].id] = nil
        #expect(SeriesRow.decode(row, texts: texts) == nil)
    }

    static func symbolCount(_ directory: StoreTestDirectory) throws -> Int64 {
        try StoreSchemaMigrationTests.count(directory, "SELECT count(*) FROM label_symbols")
    }

    @Test("retention that removes series removes the symbols only they used")
    func retentionCollectsSymbols() async throws {
        // Expects series churn not to grow label_symbols without bound.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory) { $0.retention = 100_000 }
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "m", "host": "old-only"]), StoreTest.samples([1_000])),
            (StoreTest.labels(["__name__": "m", "host": "live"]), StoreTest.samples([1_000, 150_000])),
        ]))
        try await store.checkpoint()
        #expect(try Self.symbolCount(directory) == 5)  // __name__, m, host, old-only, live
        try await store.applyRetention(now: 200_000)
        #expect(try StoreTest.everything(store).map { $0.labels["host"] } == ["live"])
        #expect(try Self.symbolCount(directory) == 4)
        // The removed labels come back as a new series, with new symbols.
        try await StoreTest.write(store, StoreTest.batch([(StoreTest.labels(["__name__": "m", "host": "old-only"]), StoreTest.samples([190_000]))]))
        await store.close()
        #expect(try Self.symbolCount(directory) == 5)
        store = try await StoreTest.open(directory) { $0.retention = 100_000 }
        #expect(try StoreTest.everything(store).map { $0.labels["host"] }.sorted() == ["live", "old-only"])
        await store.close()
    }

    @Test("a series row whose labels do not decode is removed with its data at open; the others stay")
    func damagedRowAtOpen() async throws {
        // Expects recovery to go on without the series it cannot name, and never to hand its id and
        // data to another series.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "m", "host": "a"]), StoreTest.samples([1_000, 2_000])),
            (StoreTest.labels(["__name__": "m", "host": "b"]), StoreTest.samples([1_000, 2_000])),
        ]))
        await store.close()
        let connection = try SQLiteDatabase(path: directory.path + "/metrics.sqlite")
        try connection.execute("DELETE FROM label_symbols WHERE text = CAST('b' AS BLOB)")
        connection.close()

        store = try await StoreTest.open(directory)
        #expect(try StoreTest.everything(store).map { $0.labels["host"] } == ["a"])
        // A new series can take the freed id without inheriting the removed series' samples.
        try await StoreTest.write(store, StoreTest.batch([(StoreTest.labels(["__name__": "m", "host": "c"]), StoreTest.samples([5_000]))]))
        let all = try StoreTest.everything(store)
        #expect(all.first { $0.labels["host"] == "c" }?.samples.map(\.timestamp) == [5_000])
        await store.close()
        #expect(try StoreSchemaMigrationTests.count(directory, "SELECT count(*) FROM series") == 2)
    }
}
