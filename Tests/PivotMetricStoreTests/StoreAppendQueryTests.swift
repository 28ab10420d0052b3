import PivotModel
import PivotStorage
import Synchronization
import Testing

@testable import PivotMetricStore

@Suite("Metric store: append and query")
struct StoreAppendQueryTests {
    @Test("appended samples come back from select within the inclusive range, series sorted by labels")
    func appendThenSelect() async throws {
        // Expects every committed sample back, bounds inclusive, series in label order.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let b = StoreTest.labels(["__name__": "up", "job": "b"])
        let a = StoreTest.labels(["__name__": "up", "job": "a"])
        let result = try await StoreTest.write(store, StoreTest.batch([
            (b, StoreTest.samples(stride(from: 1000, through: 10000, by: 1000))),
            (a, StoreTest.samples(stride(from: 1000, through: 5000, by: 1000))),
        ]))
        #expect(result.samplesWritten == 15)
        #expect(result.seriesCreated == 2)

        let all = try StoreTest.everything(store)
        #expect(all.map(\.labels) == [a, b])
        #expect(all[1].samples == StoreTest.samples(stride(from: 1000, through: 10000, by: 1000)))

        let ranged = try StoreTest.select(store, [StoreTest.matcher(.equal, "job", "b")], mint: 2000, maxt: 4000)
        #expect(ranged.count == 1)
        #expect(ranged[0].samples.map(\.timestamp) == [2000, 3000, 4000])
        await store.close()
    }

    @Test("nothing is visible before commit and nothing after rollback")
    func commitAndRollback() async throws {
        // Expects staged data to stay invisible until commit, and to vanish on rollback.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let series = StoreTest.labels(["__name__": "m"])
        let appender = store.appender()
        _ = try appender.append(StoreTest.batch([(series, StoreTest.samples([1, 2]))]))
        #expect(try StoreTest.everything(store).isEmpty)
        appender.rollback()
        try await appender.commit()
        #expect(try StoreTest.everything(store).isEmpty)

        let second = store.appender()
        _ = try second.append(StoreTest.batch([(series, StoreTest.samples([1, 2]))]))
        try await second.commit()
        #expect(try StoreTest.everything(store).first?.samples.count == 2)
        await store.close()
    }

    @Test("samples spanning many chunks are all returned in order, across a checkpoint")
    func manyChunks() async throws {
        // Expects chunk cuts (5 samples per chunk here) and persisted chunks to be invisible to readers.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory) { $0.chunks = ChunkPolicy(maxSamples: 5, maxDuration: 60_000) }
        let series = StoreTest.labels(["__name__": "m", "i": "1"])
        for round in 0..<4 {
            let times = stride(from: Int64(round * 10 + 1) * 1000, through: Int64(round * 10 + 10) * 1000, by: 1000)
            try await StoreTest.write(store, StoreTest.batch([(series, StoreTest.samples(times))]))
            if round == 1 { try await store.checkpoint() }
        }
        let expected = StoreTest.samples(stride(from: 1000, through: 40000, by: 1000))
        #expect(try StoreTest.everything(store).first?.samples == expected)
        try await store.checkpoint()
        #expect(try StoreTest.everything(store).first?.samples == expected)
        let middle = try StoreTest.select(store, [StoreTest.matcher(.equal, "i", "1")], mint: 12_500, maxt: 27_000)
        #expect(middle.first?.samples.map(\.timestamp) == Array(stride(from: 13_000, through: 27_000, by: 1000)))
        await store.close()
    }

    @Test("labels sent unsorted identify the same series as sorted ones")
    func unsortedLabels() async throws {
        // Expects the label order in a batch not to change a series' identity.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        var batch = WriteBatch()
        let refs = [("job", "x"), ("__name__", "m"), ("a", "1")].map { name, value in
            WriteBatch.LabelRef(name: batch.intern(name), value: batch.intern(value))
        }
        batch.labelRefs.append(contentsOf: refs)
        batch.samples.append(Sample(timestamp: 10, value: 1))
        batch.series.append(WriteBatch.Series(labels: 0..<3, samples: 0..<1, histograms: 0..<0, exemplars: 0..<0))
        try await StoreTest.write(store, batch)
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "m", "a": "1", "job": "x"]), StoreTest.samples([20])),
        ]))
        let all = try StoreTest.everything(store)
        #expect(all.count == 1)
        #expect(all.first?.labels == StoreTest.labels(["__name__": "m", "a": "1", "job": "x"]))
        #expect(all.first?.samples.map(\.timestamp) == [10, 20])
        await store.close()
    }

    @Test("a new series given twice in one batch is created once")
    func repeatedNewSeries() async throws {
        // Expects the second entry to find the series the first one created.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let series = StoreTest.labels(["__name__": "m", "a": "1"])
        let result = try await StoreTest.write(store, StoreTest.batch([
            (series, StoreTest.samples([1000])), (series, StoreTest.samples([2000])),
        ]))
        #expect(result.seriesCreated == 1)
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == [1000, 2000])
        #expect(store.headStats().numSeries == 1)
        await store.close()
    }

    @Test("a label name given twice refuses the batch with invalid_labels")
    func duplicateLabelNames() async throws {
        // Expects a permanent error naming the repeated label, and nothing stored.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        var batch = WriteBatch()
        for (name, value) in [("__name__", "m"), ("a", "1"), ("a", "2")] {
            batch.labelRefs.append(WriteBatch.LabelRef(name: batch.intern(name), value: batch.intern(value)))
        }
        batch.samples.append(Sample(timestamp: 10, value: 1))
        batch.series.append(WriteBatch.Series(labels: 0..<3, samples: 0..<1, histograms: 0..<0, exemplars: 0..<0))
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) { try appender.append(batch) }
        #expect(error?.code == .invalidLabels)
        #expect(error?.message.contains("\"a\" more than once") == true)
        #expect(error?.code.isRetryable == false)
        await store.close()
    }

    @Test("select without a matcher that needs a non-empty value is refused")
    func selectNeedsNonEmptyMatcher() async throws {
        // Expects Prometheus's message for selectors like {a=""} or {a=~".*"}.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let querier = try store.querier(mint: 0, maxt: 100)
        let error = #expect(throws: QueryError.self) {
            try querier.select([StoreTest.matcher(.regexMatch, "a", ".*"), StoreTest.matcher(.equal, "b", "")])
        }
        #expect(error?.code == .badMatchers)
        #expect(error?.message == "vector selector must contain at least one non-empty matcher")
        await store.close()
    }

    @Test("a store that has not started refuses writes with a retryable error and reports its readiness")
    func readiness() async throws {
        // Expects 503-style errors before recovery and `.ready` after it.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try MetricStore(options: StoreTest.options(directory), logger: StoreTest.logger)
        #expect(store.readiness == .starting)
        #expect(!store.isReady)
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) {
            try appender.append(StoreTest.batch([(StoreTest.labels(["__name__": "m"]), StoreTest.samples([1]))]))
        }
        #expect(error?.code.isRetryable == true)
        try await store.start()
        #expect(store.isReady)
        await store.close()
        #expect(store.readiness == .closed)
    }

    @Test("concurrent appenders to the same and different series keep every sample")
    func concurrentAppenders() async throws {
        // Expects four tasks writing interleaved rounds to lose nothing and corrupt nothing.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory) { $0.chunks = ChunkPolicy(maxSamples: 16, maxDuration: 1_000_000) }
        let shared = StoreTest.labels(["__name__": "shared"])
        // Which (worker, series, round) batches were acknowledged: exactly those must be stored.
        let committed = CommittedBatches()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<50 {
                        let own = StoreTest.labels(["__name__": "own", "worker": "\(worker)", "series": "\(round % 7)"])
                        let time = Int64(round * 4 + worker) * 10
                        let batch = StoreTest.batch([
                            (own, [Sample(timestamp: Int64(round) * 10, value: Double(round))]),
                            (shared, [Sample(timestamp: time, value: Double(time))]),
                        ])
                        let appender = store.appender()
                        do {
                            _ = try appender.append(batch)
                            try await appender.commit()
                            committed.insert([worker, round % 7, round])
                        } catch {
                            // The shared series may refuse a sample older than one committed meanwhile.
                            #expect((error as? AppendError)?.code == .outOfOrderSample)
                        }
                    }
                }
            }
        }
        let own = try StoreTest.select(store, [StoreTest.matcher(.equal, "__name__", "own")])
        let acknowledged = committed.all
        // A batch refused for the shared series' order stores nothing, so count only acknowledged ones.
        #expect(own.count == Set(acknowledged.map { [$0[0], $0[1]] }).count)
        #expect(own.reduce(0) { $0 + $1.samples.count } == acknowledged.count)
        let sharedSamples = try StoreTest.select(store, [StoreTest.matcher(.equal, "__name__", "shared")])
        let times = sharedSamples.first?.samples.map(\.timestamp) ?? []
        #expect(times == times.sorted())
        #expect(Set(times).count == times.count)
        #expect(sharedSamples.first?.samples.allSatisfy { Double($0.timestamp) == $0.value } == true)
        await store.close()
    }

    @Test("selects running beside appenders and checkpoints read whole, ordered prefixes of every series")
    func selectsBesideAppenders() async throws {
        // Series are decoded in place under their shard's lock while appenders cut chunks and
        // checkpoints move them to SQLite: every read must see, per series, the samples 0, 10, 20, …
        // up to some point, each with its own timestamp as value.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory) { $0.chunks = ChunkPolicy(maxSamples: 8, maxDuration: 1_000_000) }
        let seriesCount = 40
        let rounds = 120
        func check(_ result: [SeriesSamples], every interval: Int64) {
            for series in result {
                let times = series.samples.map(\.timestamp)
                #expect(times == times.sorted() && Set(times).count == times.count, "\(series.labels)")
                #expect(series.samples.allSatisfy { Double($0.timestamp) == $0.value }, "\(series.labels)")
                if interval == 10 {
                    #expect(times == times.indices.map { Int64($0) * 10 }, "\(series.labels): \(times)")
                } else {
                    #expect(times.allSatisfy { $0 % 10 == 0 }, "\(series.labels)")
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<2 {
                group.addTask {
                    for round in 0..<rounds {
                        let batch = StoreTest.batch((0..<seriesCount).filter { $0 % 2 == worker }.map { index in
                            (StoreTest.labels(["__name__": "m", "series": "\(index)"]),
                             [Sample(timestamp: Int64(round) * 10, value: Double(round * 10))])
                        })
                        _ = try? await StoreTest.write(store, batch)
                    }
                }
            }
            group.addTask {
                for _ in 0..<6 {
                    try? await store.checkpoint()
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            group.addTask {
                for pass in 0..<60 {
                    guard let querier = try? store.querier(mint: 0, maxt: Int64(rounds) * 10) else { continue }
                    let matchers = [StoreTest.matcher(.equal, "__name__", "m")]
                    if let all = try? querier.select(matchers, hints: SelectHints(sorted: pass % 2 == 0)) {
                        check(all, every: 10)
                    }
                    let steps = SelectHints.Steps(start: 0, interval: 40)
                    if let sampled = try? querier.select(matchers, hints: SelectHints(steps: steps)) {
                        check(sampled, every: 40)
                    }
                    await Task.yield()
                }
            }
        }
        let final = try StoreTest.select(store, [StoreTest.matcher(.equal, "__name__", "m")])
        #expect(final.count == seriesCount)
        #expect(final.allSatisfy { $0.samples.map(\.timestamp) == (0..<rounds).map { Int64($0) * 10 } })
        await store.close()
    }
}

/// The batches a concurrent test saw acknowledged.
final class CommittedBatches: Sendable {
    private let batches = Mutex<Set<[Int]>>([])

    func insert(_ key: [Int]) { batches.withLock { _ = $0.insert(key) } }

    var all: Set<[Int]> { batches.withLock { $0 } }
}
