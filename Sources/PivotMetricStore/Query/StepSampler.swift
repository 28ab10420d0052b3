import PivotModel
import PivotStorage

/// Keeps, of a series' samples offered in ascending time, only the newest at or before each step time
/// (`SelectHints.steps`): what an instant selector over a range query reads. A sample is kept when the
/// next one is past the first step time at or after it, or when it is the last.
struct StepSampler {
    let start: Int64
    let interval: Int64
    /// The first step time not before the pending sample (`start` before any sample).
    private(set) var next: Int64
    /// The newest sample so far, kept once a later sample passes `next` or the series ends.
    var pending: Sample?

    init(_ steps: SelectHints.Steps) {
        start = steps.start
        interval = Swift.max(steps.interval, 1)
        next = steps.start
    }

    /// Whether a sample at `time` (not before the pending one) is past the step time the pending
    /// sample is the newest for.
    @inline(__always)
    func passes(_ time: Int64) -> Bool { time > next }

    /// Moves `next` to the first step time at or after `time`.
    @inline(__always)
    mutating func advance(to time: Int64) {
        guard time > next else { return }
        let (distance, overflow) = time.subtractingReportingOverflow(start)
        guard !overflow, distance >= 0 else {
            next = .max
            return
        }
        let steps = distance / interval + (distance % interval == 0 ? 0 : 1)
        let (offset, productOverflow) = steps.multipliedReportingOverflow(by: interval)
        let (candidate, sumOverflow) = start.addingReportingOverflow(offset)
        next = productOverflow || sumOverflow ? .max : candidate
    }

    /// Offers a sample; appends the pending one to `samples` when `sample` passes it.
    @inline(__always)
    mutating func offer(_ sample: Sample, to samples: inout [Sample]) {
        if passes(sample.timestamp) {
            if let pending { samples.append(pending) }
            advance(to: sample.timestamp)
        }
        pending = sample
    }

    /// Appends the pending sample: the series has no more.
    mutating func finish(to samples: inout [Sample]) {
        if let pending { samples.append(pending) }
        pending = nil
    }
}
