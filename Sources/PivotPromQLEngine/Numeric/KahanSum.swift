import PivotModel

/// Neumaier-compensated summation, as Prometheus sums floats: `sum` plus the running correction `c`.
struct KahanSum {
    var sum: Double = 0
    var c: Double = 0

    init(_ initial: Double = 0) { sum = initial }

    /// Adds `value`; an infinite sum resets the correction.
    mutating func add(_ value: Double) {
        (sum, c) = Self.increment(value, sum, c)
    }

    static func increment(_ inc: Double, _ sum: Double, _ c: Double) -> (Double, Double) {
        let t = sum + inc
        var c = c
        if t.isInfinite {
            c = 0
        } else if abs(sum) >= abs(inc) {
            c += (sum - t) + inc
        } else {
            c += (inc - t) + sum
        }
        return (t, c)
    }

    /// The compensated total.
    var value: Double { sum.isInfinite ? sum : sum + c }
}

enum Statistics {
    /// Prometheus's `quantile`: linear interpolation between the closest ranks (`q` in [0, 1]; below 0
    /// gives -Inf, above 1 +Inf, NaN or no values NaN).
    static func quantile(_ q: Double, _ values: [Double]) -> Double {
        if values.isEmpty || q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let sorted = values.sorted { a, b in a.isNaN ? !b.isNaN : a < b }
        let n = Double(sorted.count)
        let rank = q * (n - 1)
        let lower = Swift.max(0, rank.rounded(.down))
        let upper = Swift.min(n - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[Int(lower)] * (1 - weight) + sorted[Int(upper)] * weight
    }

    /// `mean` of a window's values, with a first pass that assumes no overflow: a compensated sum
    /// that ends finite never was infinite on the way (an infinite partial sum stays infinite or
    /// turns NaN), so that pass's result is `mean`'s, and `mean` runs only when it ends otherwise.
    /// One branch-free loop instead of a check per value (`avg_over_time` over a range spends most
    /// of its evaluation here).
    static func mean(_ points: UnsafeBufferPointer<Sample>) -> Double {
        guard let first = points.first else { return .nan }
        var sum = first.value
        var c = 0.0
        for point in points.dropFirst() {
            let f = point.value
            let t = sum + f
            c += abs(sum) >= abs(f) ? (sum - t) + f : (f - t) + sum
            sum = t
        }
        guard sum.isFinite else { return mean(points.lazy.map(\.value)) }
        let count = Double(points.count)
        return sum / count + c / count
    }

    /// The mean with Prometheus's overflow-safe method (Kahan sum, switching to an incremental mean
    /// when the sum would overflow).
    static func mean(_ values: some Collection<Double>) -> Double {
        var iterator = values.makeIterator()
        guard let first = iterator.next() else { return .nan }
        var sum = first, c = 0.0, mean = 0.0, count = 1.0
        var incremental = false
        while let f = iterator.next() {
            count += 1
            if !incremental {
                let (newSum, newC) = KahanSum.increment(f, sum, c)
                if !newSum.isInfinite {
                    sum = newSum
                    c = newC
                    continue
                }
                incremental = true
                mean = sum / (count - 1)
                c /= count - 1
            }
            let q = (count - 1) / count
            (mean, c) = KahanSum.increment(f / count, q * mean, q * c)
        }
        return incremental ? mean + c : sum / count + c / count
    }
}
