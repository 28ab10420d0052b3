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

    /// Without `sorted`, skips sorting by labels (building order keys and comparing them was about a
    /// tenth of a large aggregation's time) and concatenates the parts. With `latestOnly`, a series whose
    /// open chunk holds its newest sample answers with that sample, decoding nothing.
    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws(QueryError) -> [SeriesSamples] {
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw QueryError(.badMatchers, "vector selector must contain at least one non-empty matcher")
        }
        try requireReady()
        guard mint <= maxt else { return [] }
        let ids = store.index.postings(for: matchers)
        let parts = Self.parallelParts(seriesCount: ids.count, sorted: hints.sorted)
        guard parts > 1 else { return try selectPart(ids, hints: hints).series }
        // A large select is most of a query's time (snapshots, sorting, decoding): split the series by
        // shard into one part per core (no part waits on another's shard locks), select and sort each
        // part on its own thread and reader connection, then merge the sorted parts.
        var partIDs = [[SeriesID]](repeating: [], count: parts)
        for id in ids { partIDs[HeadShard.shard(of: id) % parts].append(id) }
        var outputs = [Result<SortedPart, QueryError>](repeating: .success(SortedPart()), count: parts)
        outputs.withUnsafeMutableBufferPointer { outputs in
            // Each iteration writes only its own element.
            nonisolated(unsafe) let outputs = outputs
            DispatchQueue.concurrentPerform(iterations: parts) { [partIDs] part in
                do throws(QueryError) {
                    outputs[part] = .success(try selectPart(partIDs[part], hints: hints))
                } catch {
                    outputs[part] = .failure(error)
                }
            }
        }
        var sortedParts: [SortedPart] = []
        for output in outputs { sortedParts.append(try output.get()) }
        guard hints.sorted else { return sortedParts.flatMap(\.series) }
        return SortedPart.merge(sortedParts)
    }

    /// The series of `ids` with samples in the range, sorted by labels, with the keys that sorted them
    /// (or, when not `hints.sorted`, in the order of `ids`, without keys).
    private func selectPart(_ ids: [SeriesID], hints: SelectHints) throws(QueryError) -> SortedPart {
        let range = mint...maxt
        let sorted = hints.sorted
        // A series the head answers alone (the common case) is decoded right away, under its shard's
        // lock: its chunks are read in place. Any other is snapshotted (its chunks are values, so
        // copies are cheap) and merged with the rows it needs from SQLite after the locks are gone.
        var found: [FoundSeries] = []
        found.reserveCapacity(ids.count)
        var snapshots: [HeadSnapshot] = []
        store.head.forEachSeries(ids) { series in
            guard series.hasData(from: mint, through: maxt) else { return }
            // The newest of all its data, so at or after `mint` (`hasData` held).
            if hints.latestOnly, let latest = series.newestSampleInHead(through: maxt) {
                found.append(FoundSeries(series, samples: [latest]))
            } else if let samples = series.headOnlySamples(in: range, steps: hints.steps) {
                if !samples.isEmpty { found.append(FoundSeries(series, samples: samples)) }
            } else {
                found.append(FoundSeries(series, snapshot: snapshots.count))
                snapshots.append(HeadSnapshot(series, range: range))
            }
        }
        // Sort by the label sets, so results come out in label order: indices (small values) by
        // memcmp-able keys built once.
        var order = Array(found.indices)
        let keys = sorted ? LabelOrderKeys(found.map { $0.labelBytes }) : LabelOrderKeys([])
        if sorted && found.count > 1 { order.sort { keys.precedes($0, $1) } }
        var part = SortedPart(keys: keys)
        part.series.reserveCapacity(order.count)
        part.keyIndices.reserveCapacity(order.count)
        // In label order (or found order), each series from its decoded samples or, for a snapshot,
        // merged with its SQLite rows: a reader connection is taken only when some series needs one.
        func collect(_ connection: ReadConnection?, span: Int64) throws {
            for position in order {
                if found[position].snapshot < 0 {
                    part.series.append(SeriesSamples(labels: found[position].labels, samples: found[position].samples))
                    part.keyIndices.append(position)
                } else if let connection, let series = try mergedSeries(
                    snapshots[found[position].snapshot], range: range, steps: hints.steps, span: span,
                    connection: connection)
                {
                    part.series.append(series)
                    part.keyIndices.append(position)
                }
            }
        }
        do {
            if snapshots.isEmpty {
                try collect(nil, span: 0)
            } else {
                let span = store.maxChunkSpan.load(ordering: .relaxed)
                try store.readers.withConnection { connection in try collect(connection, span: span) }
            }
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.storage, "cannot read the metric database: \(error)")
        }
        return part
    }

    /// Series per part below which a select stays on one thread. A part handed to another thread can
    /// take about a millisecond to start when that core sat idle (measured with pauses between
    /// queries, as clients leave them), and a sorted select then merges its parts: sorted selects split
    /// from 1,024 series per part, unordered ones (an aggregation's, nothing to merge) from 256.
    static func parallelThreshold(sorted: Bool) -> Int { sorted ? 1024 : 256 }

    static func parallelParts(seriesCount: Int, sorted: Bool) -> Int {
        let threshold = parallelThreshold(sorted: sorted)
        guard seriesCount >= 2 * threshold else { return 1 }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, seriesCount / threshold, 8))
    }

    /// One series' samples in the range when the head alone does not answer: the head's chunks, plus
    /// the persisted rows they do not supersede, merged; nil when the range holds nothing.
    private func mergedSeries(
        _ snapshot: HeadSnapshot, range: ClosedRange<Int64>, steps: SelectHints.Steps?, span: Int64,
        connection: ReadConnection
    ) throws(QueryError) -> SeriesSamples? {
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
        var samples = SampleMerge.merge(lists)
        if let steps, samples.count > 1 {
            var sampler = StepSampler(steps)
            var kept: [Sample] = []
            for sample in samples { sampler.offer(sample, to: &kept) }
            sampler.finish(to: &kept)
            samples = kept
        }
        let histograms = SampleMerge.merge(histogramLists)
        guard !samples.isEmpty || !histograms.isEmpty else { return nil }
        return SeriesSamples(
            labels: snapshot.labels, samples: samples, histograms: histograms)
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
/// One part of a select: its series in label order, and for each the index of its key in `keys`.
private struct SortedPart: Sendable {
    var keys = LabelOrderKeys([])
    var series: [SeriesSamples] = []
    var keyIndices: [Int] = []

    /// The parts' series in one list, in label order.
    static func merge(_ parts: [SortedPart]) -> [SeriesSamples] {
        var result: [SeriesSamples] = []
        result.reserveCapacity(parts.reduce(0) { $0 + $1.series.count })
        var next = [Int](repeating: 0, count: parts.count)
        while true {
            var best = -1
            for part in parts.indices where next[part] < parts[part].series.count {
                if best < 0
                    || LabelOrderKeys.precedes(
                        parts[part].keys, parts[part].keyIndices[next[part]], parts[best].keys,
                        parts[best].keyIndices[next[best]])
                {
                    best = part
                }
            }
            guard best >= 0 else { return result }
            result.append(parts[best].series[next[best]])
            next[best] += 1
        }
    }
}

private struct HeadSnapshot: Sendable {
    let id: SeriesID
    let labelBytes: [UInt8]
    let labels: Labels
    let persistedOverlaps: Bool
    let mayHaveHistograms: Bool
    /// Min times of the persisted rows that the copied chunks supersede (collected only when the
    /// persisted rows are read at all).
    var ownedRows: [Int64] = []
    /// Full chunks not yet written, then the open chunk, when they overlap the range. The open chunk
    /// has its own field: most series have nothing else, and an array per series is an allocation.
    var pending: [XORChunk] = []
    var head: XORChunk?
    var outOfOrder: [Sample] = []
    var histograms: [HistogramSample] = []

    init(_ series: MemSeries, range: ClosedRange<Int64>) {
        id = series.id
        labelBytes = series.labelBytes
        labels = series.labels
        persistedOverlaps = series.coldMaxTime != .min && series.coldMaxTime >= range.lowerBound
            && series.persistedMinTime <= range.upperBound
        mayHaveHistograms = series.extras?.lastHistogram != nil
        for chunk in series.pending {
            if persistedOverlaps && chunk.ownsRow { ownedRows.append(chunk.chunk.minTime) }
            if chunk.chunk.maxTime >= range.lowerBound && chunk.chunk.minTime <= range.upperBound {
                pending.append(chunk.chunk)
            }
        }
        if persistedOverlaps && series.headOwnsRow { ownedRows.append(series.head.minTime) }
        if !series.head.isEmpty && series.head.maxTime >= range.lowerBound && series.head.minTime <= range.upperBound {
            head = series.head
        }
        if let extras = series.extras {
            outOfOrder = extras.outOfOrder.filter { range.contains($0.timestamp) }
            histograms = extras.histograms.filter { range.contains($0.timestamp) }
        }
    }

    /// The copied chunks, oldest first.
    var chunks: [XORChunk] {
        guard let head else { return pending }
        return pending + [head]
    }
}

/// A selected series: its samples, decoded under the shard's lock, or the index of its snapshot.
private struct FoundSeries {
    let labels: Labels
    let labelBytes: [UInt8]
    var samples: [Sample] = []
    /// The series' `HeadSnapshot`, or -1 when `samples` holds its answer.
    var snapshot = -1

    init(_ series: MemSeries, samples: [Sample]) {
        labels = series.labels
        labelBytes = series.labelBytes
        self.samples = samples
    }

    init(_ series: MemSeries, snapshot: Int) {
        labels = series.labels
        labelBytes = series.labelBytes
        self.snapshot = snapshot
    }
}

extension MemSeries {
    /// The samples in `range` when the series' in-order head chunks hold all it has there (nothing
    /// persisted, out of order or a native histogram: nothing to merge), decoded in place into one
    /// array; nil otherwise. With `steps`, only the samples a `StepSampler` keeps. The caller holds
    /// the shard's lock.
    fileprivate func headOnlySamples(in range: ClosedRange<Int64>, steps: SelectHints.Steps?) -> [Sample]? {
        if coldMaxTime != .min && coldMaxTime >= range.lowerBound && persistedMinTime <= range.upperBound { return nil }
        if let extras,
            extras.outOfOrder.contains(where: { range.contains($0.timestamp) })
                || extras.histograms.contains(where: { range.contains($0.timestamp) })
        {
            return nil
        }
        var capacity = 0
        var previousMax = Int64.min
        for index in pending.indices {
            let chunk = pending[index].chunk
            guard !chunk.isEmpty, chunk.maxTime >= range.lowerBound, chunk.minTime <= range.upperBound else { continue }
            guard chunk.minTime > previousMax else { return nil }
            previousMax = chunk.maxTime
            capacity += chunk.count
        }
        let headOverlaps = !head.isEmpty && head.maxTime >= range.lowerBound && head.minTime <= range.upperBound
        if headOverlaps {
            guard head.minTime > previousMax else { return nil }
            capacity += head.count
        }
        var samples: [Sample] = []
        if let steps {
            // At most one sample per step time, and one more.
            let (span, overflow) = range.upperBound.subtractingReportingOverflow(steps.start)
            if !overflow, span >= 0 {
                samples.reserveCapacity(Int(Swift.min(Int64(capacity), span / Swift.max(steps.interval, 1) + 2)))
            }
            var sampler = StepSampler(steps)
            for index in pending.indices { pending[index].chunk.appendSamples(in: range, sampler: &sampler, to: &samples) }
            if headOverlaps { head.appendSamples(in: range, sampler: &sampler, to: &samples) }
            sampler.finish(to: &samples)
            return samples
        }
        samples.reserveCapacity(capacity)
        for index in pending.indices { pending[index].chunk.appendSamples(in: range, to: &samples) }
        if headOverlaps { head.appendSamples(in: range, to: &samples) }
        return samples
    }
}

extension MetricStore: Queryable {
    public func querier(mint: Int64, maxt: Int64) throws(QueryError) -> any Querier {
        MetricQuerier(store: self, mint: mint, maxt: maxt)
    }
}
