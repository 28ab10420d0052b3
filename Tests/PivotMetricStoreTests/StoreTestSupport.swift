import Foundation
import Logging
import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

/// A fresh directory under the system temp directory, removed by `remove()`.
struct StoreTestDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "pivot-store-tests-" + UUID().uuidString
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

enum StoreTest {
    static let logger = Logger(label: "pivot.metricstore.tests") { _ in SwiftLogNoOpLogHandler() }

    /// Options for tests: a short-lived store with background maintenance effectively off.
    static func options(_ directory: StoreTestDirectory, _ configure: (inout MetricStoreOptions) -> Void = { _ in })
        -> MetricStoreOptions
    {
        var options = MetricStoreOptions(path: directory.path)
        options.walSync = .never
        options.checkpointInterval = .seconds(3600)
        options.retentionCheckInterval = .seconds(3600)
        options.retention = Int64.max / 4
        configure(&options)
        return options
    }

    static func open(_ directory: StoreTestDirectory, _ configure: (inout MetricStoreOptions) -> Void = { _ in })
        async throws -> MetricStore
    {
        try await MetricStore.open(options: options(directory, configure), logger: logger)
    }

    /// A 10 s out-of-order window and chunks of 4 samples: older samples, pending and sealed chunks
    /// after a few writes.
    static func outOfOrderWithSmallChunks(_ options: inout MetricStoreOptions) {
        options.outOfOrderTimeWindow = 10_000
        options.chunks = ChunkPolicy(maxSamples: 4, maxDuration: 1_000_000)
    }

    static func labels(_ pairs: KeyValuePairs<String, String>) -> Labels {
        Labels(pairs)
    }

    /// A batch of series, each with its samples (and optionally histograms and exemplars).
    static func batch(_ series: [(Labels, [Sample])], exemplars: [Labels: [Exemplar]] = [:]) -> WriteBatch {
        var batch = WriteBatch()
        for (labels, samples) in series {
            batch.append(labels: labels, samples: samples, exemplars: exemplars[labels] ?? [])
        }
        return batch
    }

    static func samples(_ times: some Sequence<Int64>, value: (Int64) -> Double = { Double($0) / 1000 }) -> [Sample] {
        times.map { Sample(timestamp: $0, value: value($0)) }
    }

    /// Appends and commits one batch.
    @discardableResult
    static func write(_ store: MetricStore, _ batch: WriteBatch) async throws -> AppendResult {
        let appender = store.appender()
        let result = try appender.append(batch)
        try await appender.commit()
        return result
    }

    static func select(
        _ store: MetricStore, _ matchers: [LabelMatcher], mint: Int64 = .min, maxt: Int64 = .max
    ) throws -> [SeriesSamples] {
        try store.querier(mint: mint, maxt: maxt).select(matchers)
    }

    static func matcher(_ kind: LabelMatcher.Kind, _ name: String, _ value: String) -> LabelMatcher {
        try! LabelMatcher(kind, name, value)
    }

    /// Everything the store holds for `{__name__=~".+"}`.
    static func everything(_ store: MetricStore) throws -> [SeriesSamples] {
        try select(store, [matcher(.regexMatch, "__name__", ".+")])
    }

    /// The path of the newest write-ahead log segment.
    static func lastSegment(_ directory: StoreTestDirectory) throws -> String {
        let wal = directory.path + "/wal"
        let names = try FileManager.default.contentsOfDirectory(atPath: wal)
            .filter { $0.allSatisfy(\.isNumber) }.sorted()
        return wal + "/" + names.last!
    }
}
