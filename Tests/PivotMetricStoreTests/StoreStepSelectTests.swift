import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

/// A select with step times (a range query's instant selector) may return only each series' newest
/// sample at or before each step time; every step must still see exactly the sample a full select
/// shows it, whatever holds that sample: the open chunk, pending chunks, out-of-order samples or disk.
@Suite("Metric store: step-sampled selects")
struct StoreStepSelectTests {
    static let all = [StoreTest.matcher(.regexMatch, "__name__", ".+")]

    static func newest(_ samples: [Sample], atOrBefore time: Int64) -> Sample? {
        samples.last { $0.timestamp <= time }
    }

    /// Equal time and value bits (a staleness marker is a NaN).
    static func same(_ a: Sample?, _ b: Sample?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.isIdentical(to: b)
    }

    /// Compares step-sampled selects with full ones over several ranges and step grids.
    static func expectSameAtEveryStep(_ store: MetricStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ranges: [(Int64, Int64)] = [(.min, .max), (0, 20_000), (2_500, 17_200), (9_000, 13_000), (18_000, 40_000)]
        let grids: [(start: Int64, interval: Int64)] = [(0, 1_000), (500, 3_000), (-7_000, 5_000), (2_500, 700), (11_000, 60_000)]
        for (mint, maxt) in ranges {
            let querier = try store.querier(mint: mint, maxt: maxt)
            let full = try querier.select(all)
            for grid in grids {
                for sorted in [true, false] {
                    let hints = SelectHints(sorted: sorted, steps: SelectHints.Steps(start: grid.start, interval: grid.interval))
                    var stepped = try querier.select(all, hints: hints)
                    if !sorted { stepped.sort { $0.labels < $1.labels } }
                    let context = "[\(mint), \(maxt)] start \(grid.start) every \(grid.interval)"
                    #expect(stepped.map(\.labels) == full.map(\.labels), "\(context)", sourceLocation: sourceLocation)
                    for (got, want) in zip(stepped, full) {
                        #expect(got.samples.allSatisfy { sample in want.samples.contains { Self.same($0, sample) } }, "\(want.labels) \(context)", sourceLocation: sourceLocation)
                        #expect(Self.same(got.samples.last, want.samples.last), "\(want.labels) \(context)", sourceLocation: sourceLocation)
                        var time = grid.start
                        while time <= min(maxt, 45_000) {
                            #expect(
                                Self.same(Self.newest(got.samples, atOrBefore: time), Self.newest(want.samples, atOrBefore: time)),
                                "\(want.labels) at \(time) \(context)", sourceLocation: sourceLocation)
                            time += grid.interval
                        }
                    }
                }
            }
        }
    }

    @Test("every step sees the sample a full select shows it, from chunks, out-of-order samples and disk")
    func agreesWithFullSelect() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let configure = StoreTest.outOfOrderWithSmallChunks
        var store = try await StoreTest.open(directory, configure)
        let steady = StoreTest.labels(["__name__": "steady", "i": "1"])
        let sparse = StoreTest.labels(["__name__": "sparse", "i": "2"])
        let stale = StoreTest.labels(["__name__": "stale", "i": "3"])
        let dense = StoreTest.labels(["__name__": "dense", "i": "4"])
        try await StoreTest.write(store, StoreTest.batch([
            (steady, StoreTest.samples(stride(from: 1_000, through: 18_000, by: 1_000))),
            (sparse, StoreTest.samples([10_000, 12_000, 14_000, 16_000, 18_000])),
            (stale, StoreTest.samples([1_000, 2_000]) + [Sample(timestamp: 3_000, value: StaleMarker.value)]),
            (dense, StoreTest.samples(stride(from: 100, through: 18_000, by: 300), value: { Double($0 % 7_000) / 100 })),
        ]))
        try await StoreTest.write(store, StoreTest.batch([(sparse, StoreTest.samples([11_000, 9_000, 13_000]))]))
        try Self.expectSameAtEveryStep(store)
        try await store.checkpoint()
        try Self.expectSameAtEveryStep(store)
        await store.close()

        store = try await StoreTest.open(directory, configure)
        try Self.expectSameAtEveryStep(store)
        try await StoreTest.write(store, StoreTest.batch([(steady, StoreTest.samples([19_000, 25_000]))]))
        try Self.expectSameAtEveryStep(store)
        await store.close()
    }

    @Test("a dense series comes back with about one sample per step")
    func keepsOneSamplePerStep() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "m"]), StoreTest.samples(stride(from: 1_000, through: 120_000, by: 1_000)))
        ]))
        let querier = try store.querier(mint: 1_000, maxt: 120_000)
        let stepped = try querier.select(Self.all, hints: SelectHints(steps: SelectHints.Steps(start: 1_000, interval: 15_000)))
        #expect(stepped.first?.samples.map(\.timestamp) == Array(stride(from: 1_000, through: 106_000, by: 15_000)) + [120_000])
        await store.close()
    }
}
