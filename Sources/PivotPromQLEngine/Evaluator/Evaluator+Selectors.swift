import PivotModel
import PivotPromQL
import PivotStorage

/// What an instant selector reports for each step.
enum SelectorValue {
    /// The sample's value (a plain selector).
    case sampleValue
    /// The sample's timestamp in seconds (`timestamp(selector)`).
    case sampleTimestamp
}

/// The reference times of a selector on a grid: the time each step looks at, after `@` and `offset`.
struct ReferenceTimes {
    /// Fixed by `@` (the same for every step), or nil when each step uses its own time.
    let fixed: Int64?
    let offset: Int64

    func time(at stepTime: Int64) -> Int64 { (fixed ?? stepTime) - offset }

    func bounds(_ grid: Grid) -> (min: Int64, max: Int64) {
        if let fixed { return (fixed - offset, fixed - offset) }
        return (grid.start - offset, grid.end - offset)
    }
}

/// Raw samples of one series for range windows: stale markers removed, ascending time.
struct RangeSeries {
    var labels: Labels
    var points: [FloatPoint]
    var dropName: Bool

    /// The points in the left-open window `(end - range, end]`.
    func window(end: Int64, range: Int64) -> ArraySlice<FloatPoint> {
        points[windowBounds(end: end, range: range)]
    }

    /// The indices of the points in the left-open window `(end - range, end]`.
    func windowBounds(end: Int64, range: Int64) -> Range<Int> {
        let lower = firstIndex(after: end - range)
        let upper = firstIndex(after: end)
        return lower..<upper
    }

    /// The index of the first point with a timestamp greater than `t`.
    private func firstIndex(after t: Int64) -> Int {
        var low = 0
        var high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid].timestamp <= t { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension Evaluator {
    /// Resolves a duration that may be a duration expression, in milliseconds.
    func resolve(_ duration: DurationValue?, allowNegative: Bool) throws(EngineError) -> Int64 {
        guard let duration else { return 0 }
        do {
            return try duration.resolve(
                stepMilliseconds: queryStep, rangeMilliseconds: queryEnd - queryStart, allowNegative: allowNegative)
        } catch {
            throw EngineError.execution(error.message)
        }
    }

    func referenceTimes(at: AtModifier?, offset: DurationValue?) throws(EngineError) -> ReferenceTimes {
        let fixed: Int64? = switch at {
        case .none: nil
        case .timestamp(let milliseconds): milliseconds
        case .start: queryStart
        case .end: queryEnd
        }
        return ReferenceTimes(fixed: fixed, offset: try resolve(offset, allowNegative: true))
    }

    /// Reads the series matching `matchers` with samples in `[mint, maxt]` (milliseconds, inclusive);
    /// with `latestOnly`, perhaps only each series' newest sample there.
    /// With `steps`, perhaps only each series' newest sample at or before each of those times.
    func fetch(
        _ matchers: [LabelMatcher], mint: Int64, maxt: Int64, latestOnly: Bool = false, steps: SelectHints.Steps? = nil
    ) throws(EngineError) -> [SeriesSamples] {
        try checkInterrupt()
        guard mint <= maxt else { return [] }
        do {
            let querier = try queryable.querier(mint: mint, maxt: maxt)
            let hints = SelectHints(sorted: !selectsUnordered, latestOnly: latestOnly, steps: steps)
            let series = try querier.select(matchers, hints: hints)
            if series.contains(where: { !$0.histograms.isEmpty }) { throw EngineError.nativeHistograms }
            return series
        } catch let error as EngineError {
            throw error
        } catch let error as QueryError {
            throw EngineError(error.code == .badMatchers ? .execution : .storage, error.message)
        } catch {
            throw EngineError(.storage, "\(error)")
        }
    }

    /// An instant selector over a grid: for each step the latest sample in `(t - lookback, t]` of the
    /// reference time, unless it is a staleness marker.
    func selectVector(_ selector: VectorSelector, _ grid: Grid, value: SelectorValue) throws(EngineError) -> [EvalSeries] {
        if selector.rangeModifier != nil {
            throw EngineError(.notSupported, "the anchored and smoothed modifiers are not supported by this engine")
        }
        let refs = try referenceTimes(at: selector.at, offset: selector.offset)
        let lookback = options.lookbackDelta
        let (minRef, maxRef) = refs.bounds(grid)
        // One reference time (an instant query, or `@`): each series' newest sample is all it reads.
        // Otherwise each step reads the newest sample at or before its reference time, and no other.
        let steps = minRef == maxRef ? nil : SelectHints.Steps(start: minRef, interval: grid.step)
        let data = try fetch(
            selector.matchers, mint: minRef - lookback + 1, maxt: maxRef, latestOnly: minRef == maxRef, steps: steps)
        var result: [EvalSeries] = []
        result.reserveCapacity(data.count)
        for series in data {
            let samples = series.samples
            var points: [FloatPoint] = []
            var cursor = -1  // index of the last sample at or before the reference time
            for step in 0..<grid.count {
                let ts = grid.time(step)
                let ref = refs.time(at: ts)
                if cursor >= 0 && samples[cursor].timestamp > ref { cursor = -1 }
                while cursor + 1 < samples.count && samples[cursor + 1].timestamp <= ref { cursor += 1 }
                guard cursor >= 0 else { continue }
                let sample = samples[cursor]
                guard sample.timestamp > ref - lookback, !StaleMarker.isStale(sample.value) else { continue }
                switch value {
                case .sampleValue: points.append(FloatPoint(timestamp: ts, value: sample.value))
                case .sampleTimestamp:
                    points.append(FloatPoint(timestamp: ts, value: Double(sample.timestamp) / 1000))
                }
            }
            guard !points.isEmpty else { continue }
            try account(points.count)
            result.append(EvalSeries(labels: series.labels, points: points, dropName: false))
        }
        return result
    }

    /// The raw samples a range selector needs for every step of `grid`, with its window and references.
    func loadRange(_ selector: MatrixSelector, _ grid: Grid) throws(EngineError) -> (series: [RangeSeries], range: Int64, refs: ReferenceTimes) {
        let vs = selector.vectorSelector
        if vs.rangeModifier != nil {
            throw EngineError(.notSupported, "the anchored and smoothed modifiers are not supported by this engine")
        }
        let range = try resolve(selector.range, allowNegative: false)
        let refs = try referenceTimes(at: vs.at, offset: vs.offset)
        let (minRef, maxRef) = refs.bounds(grid)
        let data = try fetch(vs.matchers, mint: minRef - range + 1, maxt: maxRef)
        var out: [RangeSeries] = []
        out.reserveCapacity(data.count)
        for series in data {
            var points = series.samples
            if points.contains(where: { StaleMarker.isStale($0.value) }) {
                points.removeAll { StaleMarker.isStale($0.value) }
            }
            try account(points.count)
            out.append(RangeSeries(labels: series.labels, points: points, dropName: false))
        }
        return (out, range, refs)
    }

    /// A range selector evaluated on its own (an instant query such as `foo[5m]`): the raw samples of
    /// each series in the window.
    func rangeSelectorAsMatrix(_ selector: MatrixSelector, _ grid: Grid) throws(EngineError) -> [EvalSeries] {
        let (series, range, refs) = try loadRange(selector, grid)
        let end = refs.time(at: grid.start)
        return series.compactMap { element in
            let window = element.window(end: end, range: range)
            return window.isEmpty ? nil : EvalSeries(labels: element.labels, points: Array(window), dropName: false)
        }
    }
}
