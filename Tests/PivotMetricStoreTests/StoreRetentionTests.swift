import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: retention")
struct StoreRetentionTests {
    static func configure(_ options: inout MetricStoreOptions) {
        options.retention = 100_000
        options.chunks = ChunkPolicy(maxSamples: 10, maxDuration: 1_000_000)
    }

    @Test("retention removes whole old chunks, old exemplars and series with nothing left, also after restart")
    func removesOldData() async throws {
        // Expects data older than now - retention gone (by whole chunks) and live data untouched.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, Self.configure)
        let old = StoreTest.labels(["__name__": "m", "series": "old"])
        let live = StoreTest.labels(["__name__": "m", "series": "live"])
        // 30 samples at 1 s: chunks [0, 9 s], [10 s, 19 s], [20 s, 29 s].
        try await StoreTest.write(store, StoreTest.batch(
            [(old, StoreTest.samples(stride(from: 0, to: 30_000, by: 1000))),
             (live, StoreTest.samples(stride(from: 0, to: 30_000, by: 1000)))],
            exemplars: [old: [Exemplar(labels: StoreTest.labels(["trace_id": "a"]), value: 1, timestamp: 5000)],
                        live: [Exemplar(labels: StoreTest.labels(["trace_id": "b"]), value: 1, timestamp: 5000)]]))
        try await store.checkpoint()
        try await StoreTest.write(store, StoreTest.batch([(live, StoreTest.samples(stride(from: 30_000, to: 200_000, by: 1000)))]))
        try await StoreTest.write(store, StoreTest.batch([], exemplars: [:]))

        // Cutoff 115 s: `old` ends at 29 s (gone); `live` keeps the chunks ending at or after 115 s.
        try await store.applyRetention(now: 215_000)
        let remaining = try StoreTest.everything(store)
        #expect(remaining.map { $0.labels["series"] } == ["live"])
        let firstLive = remaining.first?.samples.first?.timestamp ?? -1
        #expect(firstLive == 110_000)
        #expect(remaining.first?.samples.last?.timestamp == 199_000)
        #expect(try store.exemplars([[StoreTest.matcher(.equal, "__name__", "m")]], mint: 0, maxt: .max).isEmpty)
        #expect(try store.querier(mint: .min, maxt: .max).labelValues("series", []) == ["live"])
        #expect(store.headStats().numSeries == 1)

        await store.close()
        store = try await StoreTest.open(directory, Self.configure)
        let reopened = try StoreTest.everything(store)
        #expect(reopened.map { $0.labels["series"] } == ["live"])
        #expect(reopened.first?.samples.first?.timestamp == 110_000)
        // The removed series can come back as new.
        try await StoreTest.write(store, StoreTest.batch([(old, StoreTest.samples([300_000]))]))
        #expect(try StoreTest.everything(store).count == 2)
        await store.close()
    }

    @Test("a series removed by retention while an appender has staged it is recreated at commit")
    func removedWhileStaged() async throws {
        // Expects the commit to land in a live series, never to vanish.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, Self.configure)
        let series = StoreTest.labels(["__name__": "m"])
        try await StoreTest.write(store, StoreTest.batch([(series, StoreTest.samples([1000]))]))
        let appender = store.appender()
        _ = try appender.append(StoreTest.batch([(series, StoreTest.samples([500_000]))]))
        try await store.applyRetention(now: 400_000)
        try await appender.commit()
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == [500_000])
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory, Self.configure)
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == [500_000])
        await store.close()
    }
}
