import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: series, label names and values, statistics")
struct StoreLabelAndStatsTests {
    static func seeded() async throws -> (MetricStore, StoreTestDirectory) {
        let directory = StoreTestDirectory()
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "up", "job": "api", "instance": "a:1"]), StoreTest.samples([1000, 2000])),
            (StoreTest.labels(["__name__": "up", "job": "db", "instance": "b:1"]), StoreTest.samples([1000])),
            (StoreTest.labels(["__name__": "cpu", "job": "api", "mode": "idle"]), StoreTest.samples([5000])),
        ]))
        return (store, directory)
    }

    @Test("label names and values answer for all series or for matching ones, within the time range")
    func namesAndValues() async throws {
        // Expects sorted unique answers and series without data in range left out.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        let all = try store.querier(mint: .min, maxt: .max)
        #expect(try all.labelNames([]) == ["__name__", "instance", "job", "mode"])
        #expect(try all.labelValues("job", []) == ["api", "db"])
        #expect(try all.labelValues("__name__", [StoreTest.matcher(.equal, "job", "api")]) == ["cpu", "up"])
        #expect(try all.labelNames([StoreTest.matcher(.equal, "__name__", "up")]) == ["__name__", "instance", "job"])
        #expect(try all.labelValues("nope", []) == [])

        let early = try store.querier(mint: 0, maxt: 1500)
        #expect(try early.labelNames([]) == ["__name__", "instance", "job"])
        #expect(try early.labelValues("__name__", []) == ["up"])
        let late = try store.querier(mint: 3000, maxt: 6000)
        #expect(try late.labelValues("job", []) == ["api"])
        await store.close()
    }

    @Test("series lists the label sets of matching series with data in range, sorted")
    func series() async throws {
        // Expects the /api/v1/series answer shape: label sets, sorted, range-filtered.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        let querier = try store.querier(mint: 0, maxt: 1500)
        #expect(try querier.series([StoreTest.matcher(.equal, "job", "api")])
            == [StoreTest.labels(["__name__": "up", "job": "api", "instance": "a:1"])])
        let everything = try store.querier(mint: .min, maxt: .max).series([StoreTest.matcher(.regexMatch, "job", ".+")])
        #expect(everything.map(\.metricName) == ["cpu", "up", "up"])
        await store.close()
    }

    @Test("head statistics count series, samples, chunks, and rank names and pairs")
    func stats() async throws {
        // Expects the /api/v1/status/tsdb figures.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        let stats = store.headStats()
        #expect(stats.numSeries == 3)
        #expect(stats.numSamples == 4)
        #expect(stats.chunkCount == 3)
        #expect(stats.minTime == 1000)
        #expect(stats.maxTime == 5000)
        #expect(stats.seriesCountByMetricName == [.init(name: "up", value: 2), .init(name: "cpu", value: 1)])
        #expect(stats.labelValueCountByLabelName.first == .init(name: "__name__", value: 2))
        #expect(stats.seriesCountByLabelValuePair.first == .init(name: "__name__=up", value: 2))
        #expect(stats.memoryInBytesByLabelName.first == .init(name: "job", value: 2 * 3 + 2))
        #expect(stats.numLabelPairs == 7)
        #expect(store.headStats(limit: 1).seriesCountByMetricName.count == 1)
        await store.close()
    }
}

@Suite("Metric store: empty and inverted ranges")
struct StoreRangeEdgeTests {
    @Test("a range whose start is after its end selects nothing instead of failing")
    func invertedRange() async throws {
        // Expects an empty answer for mint > maxt, never a trap.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([(StoreTest.labels(["__name__": "m"]), StoreTest.samples([1000]))]))
        let querier = try store.querier(mint: 2000, maxt: 1000)
        #expect(try querier.select([StoreTest.matcher(.equal, "__name__", "m")]).isEmpty)
        #expect(try querier.series([StoreTest.matcher(.equal, "__name__", "m")]).isEmpty)
        #expect(try querier.labelNames([]).isEmpty)
        #expect(try store.exemplars([[StoreTest.matcher(.equal, "__name__", "m")]], mint: 2000, maxt: 1000).isEmpty)
        await store.close()
    }
}
