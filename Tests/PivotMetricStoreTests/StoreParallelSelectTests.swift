import Foundation
import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

/// A select large enough to be split across threads (`MetricQuerier.parallelParts`) answers exactly what
/// a one-thread select would: every series once, in label order, with all its samples, including
/// series whose older samples come from persisted chunks.
struct StoreParallelSelectTests {
    @Test func aLargeSelectIsSplitAndMergedInLabelOrder() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory) { $0.chunks = ChunkPolicy(maxSamples: 4, maxDuration: 60_000) }
        let count = 3 * MetricQuerier.parallelThreshold(sorted: true) + 17
        #expect(MetricQuerier.parallelParts(seriesCount: count, sorted: true) > 1 || ProcessInfo.processInfo.activeProcessorCount == 1)
        // Names and values chosen so that label order differs from creation (id) order.
        var series: [(Labels, [Sample])] = []
        for index in 0..<count {
            let labels = StoreTest.labels([
                "__name__": index % 3 == 0 ? "b_metric" : "a_metric", "instance": "host-\((index * 7919) % count)",
                "job": index % 2 == 0 ? "api" : "node",
            ])
            series.append((labels, StoreTest.samples(stride(from: Int64(1000), through: 6000, by: 1000)) { Double($0 + Int64(index)) }))
        }
        try await StoreTest.write(store, StoreTest.batch(series))
        try await store.checkpoint()  // the first chunks of every series are persisted
        try await StoreTest.write(store, StoreTest.batch(series.map { ($0.0, StoreTest.samples([7000, 8000])) }))

        let result = try StoreTest.everything(store)
        #expect(result.count == count)
        #expect(zip(result, result.dropFirst()).allSatisfy { $0.labels < $1.labels })
        #expect(Set(result.map(\.labels)) == Set(series.map(\.0)))
        #expect(result.allSatisfy { $0.samples.map(\.timestamp) == [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000] })
        let byLabels = Dictionary(uniqueKeysWithValues: series.map { ($0.0, $0.1) })
        for element in result {
            #expect(Array(element.samples.prefix(6)) == byLabels[element.labels])
        }

        // A narrower matcher and range take the same path and agree with filtering the whole answer.
        let api = try StoreTest.select(store, [StoreTest.matcher(.equal, "job", "api")], mint: 2500, maxt: 7000)
        let expected = result.filter { $0.labels["job"] == "api" }
        #expect(api.map(\.labels) == expected.map(\.labels))
        #expect(api.allSatisfy { $0.samples.map(\.timestamp) == [3000, 4000, 5000, 6000, 7000] })

        // Unordered: the same series with the same samples, each once, split or not.
        for matchers in [[StoreTest.matcher(.regexMatch, "__name__", ".+")], [StoreTest.matcher(.equal, "instance", "host-5")]] {
            let querier = try store.querier(mint: .min, maxt: .max)
            let sorted = try querier.select(matchers)
            let unordered = try querier.select(matchers, hints: SelectHints(sorted: false))
            #expect(unordered.count == sorted.count)
            #expect(unordered.sorted { $0.labels < $1.labels } == sorted)
        }
    }

    @Test func aShardWithMoreSeriesThanOneLockBatchAnswersEverySeriesOnce() async throws {
        // `Head.forEachSeries` takes a shard's lock once per `lockBatch` series; series decoded under
        // the lock (head only) and series merged after it (persisted rows too) come out together.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let count = HeadShard.shardCount * Head.lockBatch * 2 + 5
        let persisted = (0..<count).filter { $0 % 7 == 0 }.map { index in
            (StoreTest.labels(["__name__": "m", "instance": "host-\(index)"]), StoreTest.samples([1000]))
        }
        try await StoreTest.write(store, StoreTest.batch(persisted))
        try await store.checkpoint()
        let all = (0..<count).map { index in
            (StoreTest.labels(["__name__": "m", "instance": "host-\(index)"]), StoreTest.samples([2000]))
        }
        try await StoreTest.write(store, StoreTest.batch(all))

        let result = try StoreTest.everything(store)
        #expect(result.count == count)
        #expect(zip(result, result.dropFirst()).allSatisfy { $0.labels < $1.labels })
        #expect(Set(result.map(\.labels)) == Set(all.map(\.0)))
        for element in result {
            let index = Int(element.labels["instance"].dropFirst("host-".count))!
            #expect(element.samples.map(\.timestamp) == (index % 7 == 0 ? [1000, 2000] : [2000]))
        }
        let querier = try store.querier(mint: .min, maxt: .max)
        let unordered = try querier.select([StoreTest.matcher(.equal, "__name__", "m")], hints: SelectHints(sorted: false))
        #expect(unordered.count == count)
        #expect(unordered.sorted { $0.labels < $1.labels } == result)
    }
}
