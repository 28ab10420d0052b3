import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

/// A latest-only select (an instant selector's read) may answer from the open chunk alone; it must
/// still return exactly the series a full select returns, in the same order, each with the same newest
/// sample in the range, whatever holds that sample: the open chunk, pending chunks, out-of-order
/// samples, persisted rows, or native histograms.
@Suite("Metric store: latest-only selects")
struct StoreLatestSelectTests {
    static let all = [StoreTest.matcher(.regexMatch, "__name__", ".+")]

    /// Compares a latest-only select with a full one over several ranges, sorted and unordered.
    static func expectSameNewest(_ store: MetricStore, ranges: [(Int64, Int64)], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (mint, maxt) in ranges {
            let querier = try store.querier(mint: mint, maxt: maxt)
            let full = try querier.select(all)
            let latest = try querier.select(Self.all, hints: SelectHints(latestOnly: true))
            #expect(latest.map(\.labels) == full.map(\.labels), "[\(mint), \(maxt)]", sourceLocation: sourceLocation)
            for (got, want) in zip(latest, full) {
                #expect(got.samples.last?.timestamp == want.samples.last?.timestamp, "\(want.labels) [\(mint), \(maxt)]", sourceLocation: sourceLocation)
                #expect(got.samples.last?.value.bitPattern == want.samples.last?.value.bitPattern, "\(want.labels)", sourceLocation: sourceLocation)
                #expect(got.histograms.last?.timestamp == want.histograms.last?.timestamp, "\(want.labels)", sourceLocation: sourceLocation)
                #expect(got.samples.allSatisfy { $0.timestamp >= mint && $0.timestamp <= maxt }, sourceLocation: sourceLocation)
            }
            let unordered = try querier.select(all, hints: SelectHints(sorted: false, latestOnly: true))
            #expect(unordered.sorted { $0.labels < $1.labels }.map(\.labels) == full.map(\.labels), sourceLocation: sourceLocation)
        }
    }

    static let ranges: [(Int64, Int64)] = [
        (.min, .max), (0, 20_000), (5_001, 5_500), (15_500, 16_000), (1_000, 4_000), (18_000, 18_000),
        (18_001, 40_000), (9_500, 11_500), (13_000, 13_000),
    ]

    @Test("newest samples from the open chunk, pending chunks, out-of-order samples and disk agree")
    func agreesWithFullSelect() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let configure = StoreTest.outOfOrderWithSmallChunks
        var store = try await StoreTest.open(directory, configure)
        let steady = StoreTest.labels(["__name__": "steady", "i": "1"])
        let late = StoreTest.labels(["__name__": "late", "i": "2"])
        let stale = StoreTest.labels(["__name__": "stale", "i": "3"])
        let old = StoreTest.labels(["__name__": "old", "i": "4"])
        try await StoreTest.write(store, StoreTest.batch([
            (steady, StoreTest.samples(stride(from: 1_000, through: 18_000, by: 1_000))),
            (late, StoreTest.samples([10_000, 12_000, 14_000, 16_000, 18_000])),
            (stale, StoreTest.samples([1_000, 2_000]) + [Sample(timestamp: 3_000, value: StaleMarker.value)]),
            (old, StoreTest.samples([1_000, 2_000, 3_000])),
        ]))
        // Out-of-order samples, one of them between the open chunk's samples.
        try await StoreTest.write(store, StoreTest.batch([(late, StoreTest.samples([11_000, 9_000, 13_000]))]))
        try Self.expectSameNewest(store, ranges: Self.ranges)
        try await store.checkpoint()
        try Self.expectSameNewest(store, ranges: Self.ranges)
        await store.close()

        // After a reopen the open chunks come from disk.
        store = try await StoreTest.open(directory, configure)
        try Self.expectSameNewest(store, ranges: Self.ranges)
        try await StoreTest.write(store, StoreTest.batch([(steady, StoreTest.samples([19_000]))]))
        try Self.expectSameNewest(store, ranges: Self.ranges + [(19_000, 19_000), (18_500, .max)])
        await store.close()
    }

    @Test("a series with native histograms is read in full")
    func histograms() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        var batch = WriteBatch()
        batch.append(labels: StoreTest.labels(["__name__": "rpc_duration_seconds"]), histograms: StoreMetadataHistogramTests.histograms)
        batch.append(labels: StoreTest.labels(["__name__": "plain"]), samples: StoreTest.samples([500, 1_500, 2_500]))
        try await StoreTest.write(store, batch)
        try Self.expectSameNewest(store, ranges: [(.min, .max), (0, 1_000), (1_500, 2_000), (2_001, 3_000)])
        let querier = try store.querier(mint: .min, maxt: .max)
        let latest = try querier.select(
            [StoreTest.matcher(.equal, "__name__", "rpc_duration_seconds")], hints: SelectHints(latestOnly: true))
        #expect(latest.first?.histograms.last?.timestamp == 2_000)
        await store.close()
    }

    @Test("the open chunk answers alone: one sample per series")
    func answersWithOneSample() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch((0..<5).map { index in
            (StoreTest.labels(["__name__": "m", "i": "\(index)"]), StoreTest.samples(stride(from: 1_000, through: 30_000, by: 1_000)))
        }))
        let latest = try store.querier(mint: 0, maxt: 40_000).select(Self.all, hints: SelectHints(latestOnly: true))
        #expect(latest.count == 5)
        #expect(latest.allSatisfy { $0.samples == [Sample(timestamp: 30_000, value: 30)] })
        // Before the newest sample the chunk is decoded: at least the newest sample in the range.
        let earlier = try store.querier(mint: 0, maxt: 20_500).select(Self.all, hints: SelectHints(latestOnly: true))
        #expect(earlier.allSatisfy { $0.samples.last == Sample(timestamp: 20_000, value: 20) })
        await store.close()
    }
}
