import Dispatch
import Foundation
import PivotSQLite
import Synchronization
import Metrics
import PivotModel
import PivotStorage

/// Reads series from the head and SQLite over `[mint, maxt]` (milliseconds, inclusive).
struct MetricQuerier: Querier {
    let store: MetricStore
    let mint: Int64
    let maxt: Int64

    func select(_ matchers: [LabelMatcher]) throws(QueryError) -> [SeriesSamples] {
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw QueryError(.badMatchers, "vector selector must contain at least one non-empty matcher")
        }
        try requireReady()
        guard mint <= maxt else { return [] }
        let ids = store.index.postings(for: matchers)
        let range = mint...maxt
        var snapshots: [HeadSnapshot] = []
        store.head.forEachSeries(ids) { series in
            guard series.hasData(from: mint, through: maxt) else { return }
            snapshots.append(HeadSnapshot(series, range: range))
        }
        // Sort by the label sets, so results come out in label order: indices (small values) by
        // memcmp-able keys built once.
        var order = Array(snapshots.indices)
        if snapshots.count > 1 {
            let keys = LabelOrderKeys(snapshots.map(\.labelBytes))
            order.sort { keys.precedes($0, $1) }
        }
        let span = store.maxChunkSpan.load(ordering: .relaxed)
        // Decoding is most of a large select: split the series into contiguous parts, one per core,
        // each on its own reader connection, and concatenate the parts in order.
        let parts = Self.parallelParts(seriesCount: order.count)
        var partResults = [[SeriesSamples]](repeating: [], count: parts)
        var partErrors = [QueryError?](repeating: nil, count: parts)
        let materialize: @Sendable (Int) -> ([SeriesSamples], QueryError?) = { [order, snapshots] part in
            let lower = order.count * part / parts
            let upper = order.count * (part + 1) / parts
            var result: [SeriesSamples] = []
            result.reserveCapacity(upper - lower)
            do {
                try store.readers.withConnection { connection in
                    for position in order[lower..<upper] {
                        if let series = try materializeSeries(
                            snapshots[position], range: range, span: span, connection: connection)
                        {
                            result.append(series)
                        }
                    }
                }
            } catch let error as QueryError {
                return (result, error)
            } catch {
                return (result, QueryError(.storage, "cannot read the metric database: \(error)"))
            }
            return (result, nil)
        }
        if parts == 1 {
            (partResults[0], partErrors[0]) = materialize(0)
        } else {
            partResults.withUnsafeMutableBufferPointer { results in
                partErrors.withUnsafeMutableBufferPointer { errors in
                    // Each iteration writes only its own element.
                    nonisolated(unsafe) let results = results
                    nonisolated(unsafe) let errors = errors
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        (results[part], errors[part]) = materialize(part)
                    }
                }
            }
        }
        if let error = partErrors.lazy.compactMap({ $0 }).first { throw error }
        if parts == 1 { return partResults[0] }
        var result: [SeriesSamples] = []
        result.reserveCapacity(partResults.reduce(0) { $0 + $1.count })
        for part in partResults { result.append(contentsOf: part) }
        return result
    }

    /// Series per part below which a select stays on one thread (the hand-off costs more).
    static let parallelThreshold = 256

    static func parallelParts(seriesCount: Int) -> Int {
        guard seriesCount >= 2 * parallelThreshold else { return 1 }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, seriesCount / parallelThreshold, 8))
    }

    /// One series' samples in the range: the head's chunks, plus the persisted rows they do not
    /// supersede, merged; nil when the range holds nothing.
    private func materializeSeries(
        _ snapshot: HeadSnapshot, range: ClosedRange<Int64>, span: Int64, connection: ReadConnection
    ) throws(QueryError) -> SeriesSamples? {
        if let samples = snapshot.headOnlySamples(in: range) {
            guard !samples.isEmpty else { return nil }
            return SeriesSamples(labels: LabelSetEncoding.decode(snapshot.labelBytes) ?? .empty, samples: samples)
        }
        var lists: [[Sample]] = []
        var histogramLists: [[HistogramSample]] = []
        if snapshot.persistedOverlaps {
            do throws(SQLiteError) {
                lists = try connection.samples(
                    of: snapshot.id, mint: mint, maxt: maxt, maxChunkSpan: span, skipping: snapshot.ownedRows)
                if snapshot.mayHaveHistograms {
                    histogramLists.append(try connection.histograms(of: snapshot.id, mint: mint, maxt: maxt))
                }
            } catch {
                throw QueryError(.storage, "cannot read chunks: \(error.message)")
            }
        }
        for chunk in snapshot.chunks {
            let samples = chunk.samples(in: range)
            if !samples.isEmpty { lists.append(samples) }
        }
        if !snapshot.outOfOrder.isEmpty { lists.append(snapshot.outOfOrder) }
        if !snapshot.histograms.isEmpty { histogramLists.append(snapshot.histograms) }
        let samples = SampleMerge.merge(lists)
        let histograms = SampleMerge.merge(histogramLists)
        guard !samples.isEmpty || !histograms.isEmpty else { return nil }
        return SeriesSamples(
            labels: LabelSetEncoding.decode(snapshot.labelBytes) ?? .empty, samples: samples, histograms: histograms)
    }

    func series(_ matchers: [LabelMatcher]) throws(QueryError) -> [Labels] {
        try requireReady()
        var sets = labelSets(of: store.index.postings(for: matchers))
        sets.sort(by: LabelSetEncoding.precedes)
        return sets.compactMap { LabelSetEncoding.decode($0) }
    }

    func labelNames(_ matchers: [LabelMatcher]) throws(QueryError) -> [String] {
        try requireReady()
        var names = Set<IndexKey>()
        if matchers.isEmpty && allSeriesHaveData() {
            for name in store.index.names { names.insert(IndexKey(name)) }
        } else {
            let ids = matchers.isEmpty ? store.index.allPostings : store.index.postings(for: matchers)
            for labelBytes in labelSets(of: ids) {
                labelBytes.withUnsafeBytes { raw in
                    _ = LabelSetEncoding.forEachPair(raw) { name, _ in
                        names.insert(IndexKey(String(decoding: name, as: UTF8.self)))
                    }
                }
            }
        }
        return names.sorted().map(\.string)
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(QueryError) -> [String] {
        try requireReady()
        var values: [IndexKey] = []
        if matchers.isEmpty {
            let all = store.index.values(of: name)
            if allSeriesHaveData() {
                values = Array(all.keys)
            } else {
                let live = Set(seriesWithData(store.index.allPostings))
                values = all.compactMap { value, ids in ids.contains(where: live.contains) ? value : nil }
            }
        } else {
            var seen = Set<IndexKey>()
            for labelBytes in labelSets(of: store.index.postings(for: matchers)) {
                if let value = LabelSetEncoding.value(of: name, in: labelBytes) { seen.insert(IndexKey(value)) }
            }
            values = Array(seen)
        }
        return values.sorted().map(\.string)
    }

    // MARK: Helpers

    private func requireReady() throws(QueryError) {
        guard store.isReady else {
            throw QueryError(.storage, "the metric store is not ready (\(store.readiness))")
        }
    }

    /// The label encodings of the series among `ids` that have data in the range.
    private func labelSets(of ids: [SeriesID]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        store.head.forEachSeries(ids) { series in
            if series.hasData(from: mint, through: maxt) { result.append(series.labelBytes) }
        }
        return result
    }

    private func seriesWithData(_ ids: [SeriesID]) -> [SeriesID] {
        var result: [SeriesID] = []
        store.head.forEachSeries(ids) { series in
            if series.hasData(from: mint, through: maxt) { result.append(series.id) }
        }
        return result
    }

    private func allSeriesHaveData() -> Bool {
        var all = true
        store.head.forEachSeries { series in
            if all && !series.hasData(from: mint, through: maxt) { all = false }
        }
        return all
    }
}

/// What a query copies out of one series under its shard lock (chunks are copy-on-write).
private struct HeadSnapshot: Sendable {
    let id: SeriesID
    let labelBytes: [UInt8]
    let persistedOverlaps: Bool
    let mayHaveHistograms: Bool
    /// Min times of the persisted rows that the copied chunks supersede.
    var ownedRows: [Int64] = []
    var chunks: [XORChunk] = []
    var outOfOrder: [Sample] = []
    var histograms: [HistogramSample] = []

    init(_ series: MemSeries, range: ClosedRange<Int64>) {
        id = series.id
        labelBytes = series.labelBytes
        persistedOverlaps = series.coldMaxTime != .min && series.coldMaxTime >= range.lowerBound
            && series.persistedMinTime <= range.upperBound
        mayHaveHistograms = series.extras?.lastHistogram != nil
        for pending in series.pending {
            if pending.ownsRow { ownedRows.append(pending.chunk.minTime) }
            if pending.chunk.maxTime >= range.lowerBound && pending.chunk.minTime <= range.upperBound {
                chunks.append(pending.chunk)
            }
        }
        if series.headOwnsRow { ownedRows.append(series.head.minTime) }
        if !series.head.isEmpty && series.head.maxTime >= range.lowerBound && series.head.minTime <= range.upperBound {
            chunks.append(series.head)
        }
        if let extras = series.extras {
            outOfOrder = extras.outOfOrder.filter { range.contains($0.timestamp) }
            histograms = extras.histograms.filter { range.contains($0.timestamp) }
        }
    }
}

extension HeadSnapshot {
    /// The samples in `range` when they all come from in-order head chunks that follow each other in
    /// time (the common case: nothing to merge), decoded straight into one array; nil otherwise.
    func headOnlySamples(in range: ClosedRange<Int64>) -> [Sample]? {
        guard !persistedOverlaps, outOfOrder.isEmpty, histograms.isEmpty else { return nil }
        var capacity = 0
        var previousMax = Int64.min
        for index in chunks.indices where !chunks[index].isEmpty {
            guard chunks[index].minTime > previousMax else { return nil }
            previousMax = chunks[index].maxTime
            capacity += chunks[index].count
        }
        var samples: [Sample] = []
        samples.reserveCapacity(capacity)
        for index in chunks.indices { chunks[index].appendSamples(in: range, to: &samples) }
        return samples
    }
}

extension MetricStore: Queryable {
    public func querier(mint: Int64, maxt: Int64) throws(QueryError) -> any Querier {
        MetricQuerier(store: self, mint: mint, maxt: maxt)
    }
}
