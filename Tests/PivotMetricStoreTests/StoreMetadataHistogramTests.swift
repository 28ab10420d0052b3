import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: metadata and native histograms")
struct StoreMetadataHistogramTests {
    @Test("metadata is kept per metric name, the latest winning, across restarts")
    func metadata() async throws {
        // Expects metadata-only batches accepted and the newest entry per family kept.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        var batch = WriteBatch()
        batch.metadata = [
            ("http_requests_total", MetricMetadata(type: .counter, help: "Requests.", unit: "")),
            ("node_load1", MetricMetadata(type: .gauge, help: "Load.", unit: "")),
        ]
        try await StoreTest.write(store, batch)
        var update = WriteBatch()
        update.metadata = [("http_requests_total", MetricMetadata(type: .counter, help: "All requests.", unit: "requests"))]
        try await StoreTest.write(store, update)
        let expected = [
            "http_requests_total": [MetricMetadata(type: .counter, help: "All requests.", unit: "requests")],
            "node_load1": [MetricMetadata(type: .gauge, help: "Load.", unit: "")],
        ]
        #expect(store.metadata(metric: nil, limit: nil, limitPerMetric: nil) == expected)
        #expect(store.metadata(metric: "node_load1", limit: nil, limitPerMetric: nil).keys.sorted() == ["node_load1"])
        #expect(store.metadata(metric: nil, limit: 1, limitPerMetric: nil).count == 1)
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory)
        #expect(store.metadata(metric: nil, limit: nil, limitPerMetric: nil) == expected)
        await store.close()
        store = try await StoreTest.open(directory)
        #expect(store.metadata(metric: nil, limit: nil, limitPerMetric: nil) == expected)
        await store.close()
    }

    static let histograms = [
        HistogramSample(
            timestamp: 1000, schema: 3, sum: 12.5, zeroThreshold: 1e-128,
            counts: .integer(count: 9, zeroCount: 1, positiveDeltas: [2, -1, 3], negativeDeltas: [1]),
            positiveSpans: [BucketSpan(offset: -2, length: 2), BucketSpan(offset: 3, length: 1)],
            negativeSpans: [BucketSpan(offset: 0, length: 1)], resetHint: .no, startTimestamp: 500),
        HistogramSample(
            timestamp: 2000, schema: -53, sum: .nan, zeroThreshold: 0,
            counts: .float(count: 4.5, zeroCount: 0, positiveCounts: [1.5, 3], negativeCounts: []),
            positiveSpans: [BucketSpan(offset: 0, length: 2)], negativeSpans: [], resetHint: .gauge,
            customValues: [0.1, 1, .infinity]),
    ]

    @Test("native histograms are stored losslessly and returned by select, across restarts")
    func histogramsRoundTrip() async throws {
        // Expects every field (spans, deltas, float counts, NaN sum, custom bounds) back bit for bit.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        let series = StoreTest.labels(["__name__": "rpc_duration_seconds"])
        var batch = WriteBatch()
        batch.append(labels: series, histograms: Self.histograms)
        let result = try await StoreTest.write(store, batch)
        #expect(result.histogramsWritten == 2)

        func check(_ store: MetricStore) throws {
            let selected = try StoreTest.select(store, [StoreTest.matcher(.equal, "__name__", "rpc_duration_seconds")])
            let got = selected.first?.histograms ?? []
            #expect(got.count == 2)
            #expect(got.first == Self.histograms[0])
            #expect(got.last.map { HistogramCodec.encode($0) } == HistogramCodec.encode(Self.histograms[1]))
            let ranged = try StoreTest.select(
                store, [StoreTest.matcher(.equal, "__name__", "rpc_duration_seconds")], mint: 1500, maxt: 2000)
            #expect(ranged.first?.histograms.map(\.timestamp) == [2000])
        }
        try check(store)
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory)
        try check(store)
        await store.close()
        store = try await StoreTest.open(directory)
        try check(store)
        // Ordering rules hold after the restart too: the newest again is a retry, an older one is refused.
        var newest = WriteBatch()
        newest.append(labels: series, histograms: [Self.histograms[1]])
        let retry = try await StoreTest.write(store, newest)
        #expect(retry.histogramsWritten == 1)
        var old = WriteBatch()
        old.append(labels: series, histograms: [Self.histograms[0]])
        let appender = store.appender()
        let error = #expect(throws: AppendError.self) { try appender.append(old) }
        #expect(error?.code == .outOfOrderSample)
        try check(store)
        await store.close()
    }

    @Test("the histogram byte format decodes what it encodes and refuses truncated bytes")
    func histogramCodec() {
        // Expects a lossless round trip and nil, not a crash, on every truncation.
        for histogram in Self.histograms {
            let bytes = HistogramCodec.encode(histogram)
            #expect(HistogramCodec.decode(bytes).map { HistogramCodec.encode($0) } == bytes)
            for length in 0..<bytes.count {
                #expect(HistogramCodec.decode(Array(bytes[..<length])) == nil)
            }
        }
    }
}
