import PivotModel
import PivotPromQL
import Foundation

/// The data a range-vector function sees at one step: the window's points and its bounds.
struct WindowInput {
    /// Points in `(rangeStart, rangeEnd]`, ascending, staleness markers removed. Valid only during
    /// the function call (the evaluator lends the series' storage).
    var points: UnsafeBufferPointer<FloatPoint>
    /// The exclusive start of the window (milliseconds).
    var rangeStart: Int64
    /// The inclusive end of the window (milliseconds).
    var rangeEnd: Int64
    /// The evaluation step's time (milliseconds).
    var stepTime: Int64
    /// The scalar arguments besides the range vector, at this step.
    var scalars: [Double]
    /// Where annotations of this call go.
    let annotate: (AnnotationKind, String) -> Void

    var range: Int64 { rangeEnd - rangeStart }
}

enum AnnotationKind { case warning, info }

/// The range-vector functions: each maps a window to a value, or nil for no output at that step.
enum RangeFunctions {
    typealias Function = @Sendable (WindowInput) -> Double?

    static let table: [String: Function] = [
        "rate": { extrapolatedRate($0, isCounter: true, isRate: true) },
        "increase": { extrapolatedRate($0, isCounter: true, isRate: false) },
        "delta": { extrapolatedRate($0, isCounter: false, isRate: false) },
        "irate": { instantRate($0, isRate: true) },
        "idelta": { instantRate($0, isRate: false) },
        "avg_over_time": { $0.points.isEmpty ? nil : Statistics.mean($0.points) },
        "sum_over_time": { input in
            guard !input.points.isEmpty else { return nil }
            var sum = KahanSum()
            for p in input.points { sum.add(p.value) }
            return sum.value
        },
        "count_over_time": { $0.points.isEmpty ? nil : Double($0.points.count) },
        "min_over_time": { extreme($0, better: { $0 < $1 }, timestamp: false) },
        "max_over_time": { extreme($0, better: { $0 > $1 }, timestamp: false) },
        "ts_of_min_over_time": { extreme($0, better: { $0 < $1 }, timestamp: true) },
        "ts_of_max_over_time": { extreme($0, better: { $0 > $1 }, timestamp: true) },
        "last_over_time": { $0.points.last?.value },
        "first_over_time": { $0.points.first?.value },
        "ts_of_last_over_time": { $0.points.last.map { Double($0.timestamp) / 1000 } },
        "ts_of_first_over_time": { $0.points.first.map { Double($0.timestamp) / 1000 } },
        "present_over_time": { $0.points.isEmpty ? nil : 1 },
        "stddev_over_time": { variance($0).map { $0.squareRoot() } },
        "stdvar_over_time": { variance($0) },
        "quantile_over_time": { input in
            guard !input.points.isEmpty else { return nil }
            let q = input.scalars[0]
            if q.isNaN || q < 0 || q > 1 {
                input.annotate(.warning, "quantile value should be between 0 and 1, got \(GoFloatFormat.general(q))")
            }
            return Statistics.quantile(q, input.points.map(\.value))
        },
        "mad_over_time": { input in
            guard !input.points.isEmpty else { return nil }
            let values = input.points.map(\.value)
            let median = Statistics.quantile(0.5, values)
            return Statistics.quantile(0.5, values.map { abs($0 - median) })
        },
        "changes": { input in
            guard let first = input.points.first else { return nil }
            var previous = first.value
            var changes = 0.0
            for p in input.points.dropFirst() {
                if p.value != previous && !(p.value.isNaN && previous.isNaN) { changes += 1 }
                previous = p.value
            }
            return changes
        },
        "resets": { input in
            guard let first = input.points.first else { return nil }
            var previous = first.value
            var resets = 0.0
            for p in input.points.dropFirst() {
                if p.value < previous { resets += 1 }
                previous = p.value
            }
            return resets
        },
        "deriv": { input in
            guard input.points.count >= 2 else { return nil }
            return linearRegression(input.points, interceptTime: input.points.first!.timestamp).slope
        },
        "predict_linear": { input in
            guard input.points.count >= 2 else { return nil }
            let (slope, intercept) = linearRegression(input.points, interceptTime: input.stepTime)
            return slope * input.scalars[0] + intercept
        },
        "double_exponential_smoothing": doubleExponentialSmoothing,
        "absent_over_time": { $0.points.isEmpty ? nil : 1 },
    ]

    /// `rate`, `increase`, `delta`: the change over the window, extrapolated towards the window's
    /// edges (at most half an average sample interval past the first/last sample, and never below zero
    /// for counters), with counter resets added back for counters.
    static func extrapolatedRate(_ input: WindowInput, isCounter: Bool, isRate: Bool) -> Double? {
        extrapolatedRate(
            input.points, rangeStart: input.rangeStart, rangeEnd: input.rangeEnd, isCounter: isCounter, isRate: isRate)
    }

    /// The same over the points of the window `(rangeStart, rangeEnd]` (milliseconds), ascending,
    /// staleness markers removed. `mayReset` false says no point is below the one before it, so no
    /// counter reset has to be looked for.
    static func extrapolatedRate<Points: RandomAccessCollection<FloatPoint>>(
        _ points: Points, rangeStart: Int64, rangeEnd: Int64, isCounter: Bool, isRate: Bool, mayReset: Bool = true
    ) -> Double? {
        guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
        var result = last.value - first.value
        if isCounter && mayReset {
            var previous = first.value
            for p in points.dropFirst() {
                if p.value < previous { result += previous }
                previous = p.value
            }
        }
        var durationToStart = Double(first.timestamp - rangeStart) / 1000
        var durationToEnd = Double(rangeEnd - last.timestamp) / 1000
        let sampledInterval = Double(last.timestamp - first.timestamp) / 1000
        let averageInterval = sampledInterval / Double(points.count - 1)
        let threshold = averageInterval * 1.1
        if durationToStart >= threshold { durationToStart = averageInterval / 2 }
        if isCounter && result > 0 && first.value >= 0 {
            let durationToZero = sampledInterval * (first.value / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        if durationToEnd >= threshold { durationToEnd = averageInterval / 2 }
        var factor = sampledInterval == 0 ? 1 : (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        if isRate { factor /= Double(rangeEnd - rangeStart) / 1000 }
        return result * factor
    }

    /// Whether some point of `points` is below the one before it (a counter reset, for `rate`).
    static func hasDecrease(_ points: UnsafeBufferPointer<FloatPoint>) -> Bool {
        guard points.count >= 2 else { return false }
        for i in 1..<points.count where points[i].value < points[i - 1].value { return true }
        return false
    }

    /// `irate`, `idelta`: from the last two samples.
    static func instantRate(_ input: WindowInput, isRate: Bool) -> Double? {
        guard input.points.count >= 2 else { return nil }
        let last = input.points[input.points.endIndex - 1]
        let previous = input.points[input.points.endIndex - 2]
        let interval = last.timestamp - previous.timestamp
        guard interval != 0 else { return nil }
        var result = last.value
        if !isRate || !(last.value < previous.value) { result = last.value - previous.value }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    static func extreme(_ input: WindowInput, better: (Double, Double) -> Bool, timestamp: Bool) -> Double? {
        guard var best = input.points.first else { return nil }
        for p in input.points where better(p.value, best.value) || best.value.isNaN {
            best = p
        }
        return timestamp ? Double(best.timestamp) / 1000 : best.value
    }

    static func variance(_ input: WindowInput) -> Double? {
        guard !input.points.isEmpty else { return nil }
        var count = 0.0
        var mean = KahanSum()
        var aux = KahanSum()
        for p in input.points {
            count += 1
            let delta = p.value - (mean.sum + mean.c)
            mean.add(delta / count)
            aux.add(delta * (p.value - (mean.sum + mean.c)))
        }
        return (aux.sum + aux.c) / count
    }

    /// Least-squares slope (per second) and intercept at `interceptTime`, with Prometheus's handling of
    /// constant input.
    static func linearRegression(_ points: UnsafeBufferPointer<FloatPoint>, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = KahanSum(), sumY = KahanSum(), sumXY = KahanSum(), sumX2 = KahanSum()
        let initY = points.first!.value
        var constY = true
        for (i, p) in points.enumerated() {
            if constY && i > 0 && p.value != initY { constY = false }
            n += 1
            let x = Double(p.timestamp - interceptTime) / 1e3
            sumX.add(x)
            sumY.add(p.value)
            sumXY.add(x * p.value)
            sumX2.add(x * x)
        }
        if constY {
            return initY.isInfinite ? (.nan, .nan) : (0, initY)
        }
        let sx = sumX.sum + sumX.c, sy = sumY.sum + sumY.c, sxy = sumXY.sum + sumXY.c, sx2 = sumX2.sum + sumX2.c
        let covXY = sxy - sx * sy / n
        let varX = sx2 - sx * sx / n
        let slope = covXY / varX
        return (slope, sy / n - slope * sx / n)
    }

    static func doubleExponentialSmoothing(_ input: WindowInput) -> Double? {
        let sf = input.scalars[0], tf = input.scalars[1]
        guard sf > 0 && sf < 1, tf > 0 && tf < 1 else { return nil }
        let values = input.points.map(\.value)
        guard values.count >= 2 else { return nil }
        var s1 = values[0], s0 = 0.0
        var b = values[1] - values[0]
        for i in 1..<values.count {
            let x = sf * values[i]
            if i > 1 { b = tf * (s1 - s0) + (1 - tf) * b }
            s0 = s1
            s1 = x + (1 - sf) * (s0 + b)
        }
        return s1
    }
}
