import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: out-of-order and duplicate samples")
struct StoreValidationTests {
    static let series = StoreTest.labels(["__name__": "http_requests_total", "job": "api"])

    @Test("a sample older than the newest is refused with a message naming the series")
    func outOfOrder() async throws {
        // Expects a permanent out_of_order_sample error and the whole batch left unstored.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([(Self.series, StoreTest.samples([2000]))]))
        let other = StoreTest.labels(["__name__": "other"])
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) {
            try appender.append(StoreTest.batch([(other, StoreTest.samples([5000])), (Self.series, StoreTest.samples([1000]))]))
        }
        #expect(error?.code == .outOfOrderSample)
        #expect(error?.code.isRetryable == false)
        #expect(error?.message.hasPrefix("out of order sample for series http_requests_total{job=\"api\"}") == true)
        try await appender.commit()
        #expect(try StoreTest.select(store, [StoreTest.matcher(.equal, "__name__", "other")]).isEmpty)
        await store.close()
    }

    @Test("a different value at the newest timestamp is a duplicate-timestamp error")
    func duplicateTimestamp() async throws {
        // Expects duplicate_sample_for_timestamp, and the stored value unchanged.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([(Self.series, [Sample(timestamp: 1000, value: 1)])]))
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) {
            try appender.append(StoreTest.batch([(Self.series, [Sample(timestamp: 1000, value: 2)])]))
        }
        #expect(error?.code == .duplicateSampleForTimestamp)
        #expect(error?.message.contains("http_requests_total{job=\"api\"}") == true)
        #expect(try StoreTest.everything(store).first?.samples == [Sample(timestamp: 1000, value: 1)])
        await store.close()
    }

    @Test("re-sending the same samples (a retry) is accepted, counted and stored once")
    func exactDuplicates() async throws {
        // Expects a sender's retry after a timeout to succeed without doubling data.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let batch = StoreTest.batch([(Self.series, StoreTest.samples([1000, 2000, 3000]))])
        try await StoreTest.write(store, batch)
        let retry = try await StoreTest.write(store, batch)
        #expect(retry.samplesWritten == 3)
        let nan = StoreTest.batch([(Self.series, [Sample(timestamp: 4000, value: StaleMarker.value)])])
        try await StoreTest.write(store, nan)
        try await StoreTest.write(store, nan)
        let stored = try StoreTest.everything(store).first?.samples ?? []
        #expect(stored.map(\.timestamp) == [1000, 2000, 3000, 4000])
        #expect(StaleMarker.isStale(stored[3].value))
        await store.close()
    }

    @Test("one batch with conflicting values for the same series and time is refused")
    func conflictInsideOneBatch() async throws {
        // Expects the store to check a batch against what the same appender staged before.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let appender = store.appender()
        #expect(throws: AppendError.self) {
            try appender.append(StoreTest.batch([
                (Self.series, [Sample(timestamp: 1000, value: 1)]),
                (Self.series, [Sample(timestamp: 1000, value: 2)]),
            ]))
        }
        let ordered = store.appender()
        _ = try ordered.append(StoreTest.batch([(Self.series, [Sample(timestamp: 1000, value: 1)])]))
        #expect(throws: AppendError.self) {
            try ordered.append(StoreTest.batch([(Self.series, [Sample(timestamp: 500, value: 1)])]))
        }
        try await ordered.commit()
        #expect(try StoreTest.everything(store).first?.samples == [Sample(timestamp: 1000, value: 1)])
        await store.close()
    }

    @Test("the out-of-order window admits older samples, which read back in order and survive restart")
    func outOfOrderWindow() async throws {
        // Expects samples within the window accepted and merged into time order everywhere.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let configure = StoreTest.outOfOrderWithSmallChunks
        var store = try await StoreTest.open(directory, configure)
        try await StoreTest.write(store, StoreTest.batch([(Self.series, StoreTest.samples([10_000, 12_000, 14_000, 16_000, 18_000]))]))
        try await StoreTest.write(store, StoreTest.batch([(Self.series, StoreTest.samples([11_000, 9_000, 13_000]))]))
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) {
            try appender.append(StoreTest.batch([(Self.series, StoreTest.samples([7_000]))]))
        }
        #expect(error?.message.contains("out-of-order window of 10000ms") == true)
        let expected: [Int64] = [9_000, 10_000, 11_000, 12_000, 13_000, 14_000, 16_000, 18_000]
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == expected)
        try await store.checkpoint()
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == expected)
        try await StoreTest.write(store, StoreTest.batch([(Self.series, StoreTest.samples([15_000]))]))
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory, configure)
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == (expected + [15_000]).sorted())
        await store.close()
    }

    @Test("a native histogram whose spans do not match its buckets is refused")
    func invalidHistogram() async throws {
        // Expects invalid_histogram for spans covering 2 buckets with 1 bucket given.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        var batch = WriteBatch()
        let histogram = HistogramSample(
            timestamp: 1000, schema: 0, sum: 1, zeroThreshold: 0,
            counts: .integer(count: 1, zeroCount: 0, positiveDeltas: [1], negativeDeltas: []),
            positiveSpans: [BucketSpan(offset: 0, length: 2)], negativeSpans: [])
        batch.append(labels: Self.series, histograms: [histogram])
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) { try appender.append(batch) }
        #expect(error?.code == .invalidHistogram)
        await store.close()
    }
}
