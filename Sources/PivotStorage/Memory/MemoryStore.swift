import PivotModel
import Synchronization

/// An in-memory implementation of the storage interfaces, for tests of the layers above storage
/// (PromQL engine, HTTP API). Nothing is durable; samples may arrive in any order.
public final class MemoryStore: Appendable, Queryable, ExemplarQueryable, MetadataQueryable, Sendable {
    struct State {
        var series: [Labels: SeriesData] = [:]
        var metadata: [String: MetricMetadata] = [:]
    }

    struct SeriesData {
        var samples: [Int64: Sample] = [:]
        var histograms: [Int64: HistogramSample] = [:]
        var exemplars: [Exemplar] = []
    }

    let state = Mutex(State())

    public init() {}

    public func appender() -> any Appender { MemoryAppender(store: self) }

    /// Adds samples directly (test set-up).
    public func add(_ labels: Labels, _ samples: [Sample]) {
        state.withLock { state in
            for sample in samples { state.series[labels, default: SeriesData()].samples[sample.timestamp] = sample }
        }
    }

    public func querier(mint: Int64, maxt: Int64) throws(QueryError) -> any Querier {
        let snapshot = state.withLock { $0 }
        return MemoryQuerier(state: snapshot, mint: mint, maxt: maxt)
    }

    public func exemplars(_ matcherSets: [[LabelMatcher]], mint: Int64, maxt: Int64) throws(QueryError) -> [SeriesExemplars] {
        let snapshot = state.withLock { $0 }
        return snapshot.series.keys.sorted().compactMap { labels in
            guard matcherSets.contains(where: { set in set.allSatisfy { $0.matches(labels) } }) else { return nil }
            let exemplars = snapshot.series[labels]!.exemplars
                .filter { $0.timestamp >= mint && $0.timestamp <= maxt }
                .sorted { $0.timestamp < $1.timestamp }
            return exemplars.isEmpty ? nil : SeriesExemplars(seriesLabels: labels, exemplars: exemplars)
        }
    }

    public func metadata(metric: String?, limit: Int?, limitPerMetric: Int?) -> [String: [MetricMetadata]] {
        let all = state.withLock { $0.metadata }
        var result: [String: [MetricMetadata]] = [:]
        for name in all.keys.sorted() where metric == nil || metric == name {
            if let limit, result.count >= limit { break }
            result[name] = [all[name]!]
        }
        return result
    }
}

struct MemoryQuerier: Querier {
    let state: MemoryStore.State
    let mint: Int64
    let maxt: Int64

    func matching(_ matchers: [LabelMatcher]) -> [Labels] {
        state.series.keys.filter { labels in matchers.allSatisfy { $0.matches(labels) } }.sorted()
    }

    /// Ignores the hints: the reference answer.
    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws(QueryError) -> [SeriesSamples] {
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw QueryError(.badMatchers, "vector selector must contain at least one non-empty matcher")
        }
        return matching(matchers).compactMap { labels in
            let data = state.series[labels]!
            let samples = data.samples.values.filter { $0.timestamp >= mint && $0.timestamp <= maxt }
                .sorted { $0.timestamp < $1.timestamp }
            let histograms = data.histograms.values.filter { $0.timestamp >= mint && $0.timestamp <= maxt }
                .sorted { $0.timestamp < $1.timestamp }
            guard !samples.isEmpty || !histograms.isEmpty else { return nil }
            return SeriesSamples(labels: labels, samples: samples, histograms: histograms)
        }
    }

    func series(_ matchers: [LabelMatcher]) throws(QueryError) -> [Labels] {
        try select(matchers).map(\.labels)
    }

    func withData(_ matchers: [LabelMatcher]) throws(QueryError) -> [Labels] {
        if matchers.isEmpty {
            return state.series.keys.filter { labels in
                let data = state.series[labels]!
                return data.samples.keys.contains { $0 >= mint && $0 <= maxt }
                    || data.histograms.keys.contains { $0 >= mint && $0 <= maxt }
            }
        }
        return try series(matchers)
    }

    func labelNames(_ matchers: [LabelMatcher]) throws(QueryError) -> [String] {
        Set(try withData(matchers).flatMap { $0.map(\.name) }).sorted()
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(QueryError) -> [String] {
        Set(try withData(matchers).map { $0[name] }.filter { !$0.isEmpty }).sorted()
    }
}

final class MemoryAppender: Appender {
    let store: MemoryStore
    var staged: [(Labels, [Sample], [HistogramSample], [Exemplar])] = []
    var stagedMetadata: [(String, MetricMetadata)] = []

    init(store: MemoryStore) { self.store = store }

    func append(_ batch: WriteBatch) throws(AppendError) -> AppendResult {
        var result = AppendResult()
        // This store hands out no series references (`AppendResult.seriesRefs` stays empty).
        if batch.series.contains(where: { $0.seriesRef != 0 }) {
            throw AppendError(.unknownSeriesReference, "the in-memory store knows no series references")
        }
        let existing = store.state.withLock { $0.series }
        var newSeries = Set<Labels>()
        for series in batch.series {
            let labels = batch.labels(of: series)
            let samples = Array(batch.samples[series.samples])
            if let stored = existing[labels] {
                for sample in samples {
                    if let old = stored.samples[sample.timestamp], !old.isIdentical(to: sample) {
                        throw AppendError(.duplicateSampleForTimestamp, "duplicate sample for timestamp for series \(labels)")
                    }
                }
            } else {
                newSeries.insert(labels)
            }
            let exemplars = batch.exemplars[series.exemplars].map(batch.exemplar)
            staged.append((labels, samples, Array(batch.histograms[series.histograms]), exemplars))
            result.samplesWritten += samples.count
            result.histogramsWritten += series.histograms.count
            result.exemplarsWritten += exemplars.count
        }
        result.seriesCreated = newSeries.count
        stagedMetadata += batch.metadata.map { ($0.name, $0.metadata) }
        return result
    }

    func commit() async throws(AppendError) {
        let staged = self.staged
        let metadata = stagedMetadata
        store.state.withLock { state in
            for (labels, samples, histograms, exemplars) in staged {
                var data = state.series[labels, default: MemoryStore.SeriesData()]
                for sample in samples { data.samples[sample.timestamp] = sample }
                for histogram in histograms { data.histograms[histogram.timestamp] = histogram }
                for exemplar in exemplars where !data.exemplars.contains(exemplar) { data.exemplars.append(exemplar) }
                state.series[labels] = data
            }
            for (name, value) in metadata { state.metadata[name] = value }
        }
        rollback()
    }

    func rollback() {
        staged = []
        stagedMetadata = []
    }
}
