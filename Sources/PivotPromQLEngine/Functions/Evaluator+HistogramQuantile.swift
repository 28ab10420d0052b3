import PivotPromQL
import Foundation
import PivotModel

/// One classic histogram bucket: an upper bound (`le`) and its cumulative count.
struct Bucket {
    var upperBound: Double
    var count: Double
}

extension Evaluator {
    /// Groups a vector's `_bucket` series by their labels without `le`, reporting malformed `le` values.
    private func bucketGroups(_ samples: [StepSample]) -> [(labels: Labels, dropName: Bool, buckets: [Bucket])] {
        var groups: [(labels: Labels, dropName: Bool, buckets: [Bucket])] = []
        var index: [Labels: Int] = [:]
        for sample in samples {
            let le = sample.labels["le"]
            guard let bound = Self.parseGoFloat(le) else {
                let name = delayedNameRemoval ? sample.labels.metricName : ""
                annotations.warn("bucket label \"le\" is missing or has a malformed value of \(GoQuote.quote(bytes: Array(le.utf8)))"
                    + (name.isEmpty ? "" : " for metric name \(GoQuote.quote(bytes: Array(name.utf8)))"))
                continue
            }
            let key = sample.labels.removing(["le"])
            if let at = index[key] {
                groups[at].buckets.append(Bucket(upperBound: bound, count: sample.value))
            } else {
                index[key] = groups.count
                groups.append((key, sample.dropName, [Bucket(upperBound: bound, count: sample.value)]))
            }
        }
        return groups
    }

    func histogramQuantile(_ q: Double, _ samples: [StepSample], _ ts: Int64) -> [StepSample] {
        if q.isNaN || q < 0 || q > 1 {
            annotations.warn("quantile value should be between 0 and 1, got \(GoFloatFormat.general(q))")
        }
        return bucketGroups(samples).map { group in
            let (value, forcedMonotonic) = Self.bucketQuantile(q, group.buckets)
            if forcedMonotonic {
                let name = delayedNameRemoval ? group.labels.metricName : ""
                annotations.info("input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
                    + (name.isEmpty ? "" : " for metric name \(GoQuote.quote(bytes: Array(name.utf8)))"))
            }
            let labels = delayedNameRemoval ? group.labels : group.labels.droppingMetricName
            return StepSample(labels: labels, value: value, dropName: true)
        }
    }

    func histogramFraction(_ lower: Double, _ upper: Double, _ samples: [StepSample]) -> [StepSample] {
        bucketGroups(samples).map { group in
            let labels = delayedNameRemoval ? group.labels : group.labels.droppingMetricName
            return StepSample(labels: labels, value: Self.bucketFraction(lower, upper, group.buckets), dropName: true)
        }
    }

    /// Go's `strconv.ParseFloat` for `le` values (`+Inf`, `1e3`, `0.5`).
    static func parseGoFloat(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        let lowered = text.lowercased()
        switch lowered {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eExXpP_abcdefABCDEF".contains($0)) }) else { return nil }
        return Double(text.replacingOccurrences(of: "_", with: ""))
    }

    private static func sortedCoalesced(_ buckets: [Bucket]) -> [Bucket] {
        let sorted = buckets.sorted { $0.upperBound < $1.upperBound }
        var out: [Bucket] = []
        for bucket in sorted {
            if let last = out.last, last.upperBound == bucket.upperBound {
                out[out.count - 1].count += bucket.count
            } else {
                out.append(bucket)
            }
        }
        return out
    }

    /// The quantile of classic buckets by linear interpolation within the bucket holding the rank, after
    /// making counts monotonic. Returns whether counts had to be forced monotonic.
    static func bucketQuantile(_ q: Double, _ input: [Bucket]) -> (Double, Bool) {
        if q.isNaN { return (.nan, false) }
        if q < 0 { return (-.infinity, false) }
        if q > 1 { return (.infinity, false) }
        guard let last = input.max(by: { $0.upperBound < $1.upperBound }), last.upperBound == .infinity else {
            return (.nan, false)
        }
        var buckets = sortedCoalesced(input)
        var forced = false
        var previous = buckets[0].count
        for i in 1..<buckets.count {
            let current = buckets[i].count
            if current == previous { continue }
            if almostEqual(previous, current, tolerance: 1e-12) {
                buckets[i].count = previous
                continue
            }
            if current < previous {
                buckets[i].count = previous
                forced = true
                continue
            }
            previous = current
        }
        guard buckets.count >= 2 else { return (.nan, forced) }
        let observations = buckets[buckets.count - 1].count
        guard observations != 0 else { return (.nan, forced) }
        var rank = q * observations
        // The first bucket (excluding +Inf) whose count reaches the rank.
        var b = buckets.count - 1
        for i in 0..<(buckets.count - 1) where buckets[i].count >= rank {
            b = i
            break
        }
        if b == buckets.count - 1 { return (buckets[buckets.count - 2].upperBound, forced) }
        if b == 0 && buckets[0].upperBound <= 0 { return (buckets[0].upperBound, forced) }
        var start = 0.0
        let end = buckets[b].upperBound
        var count = buckets[b].count
        if b > 0 {
            start = buckets[b - 1].upperBound
            count -= buckets[b - 1].count
            rank -= buckets[b - 1].count
        }
        return (start + (end - start) * (rank / count), forced)
    }

    static func bucketFraction(_ lower: Double, _ upper: Double, _ input: [Bucket]) -> Double {
        guard let last = input.max(by: { $0.upperBound < $1.upperBound }), last.upperBound == .infinity else { return .nan }
        let buckets = sortedCoalesced(input)
        let count = buckets[buckets.count - 1].count
        if count == 0 || lower.isNaN || upper.isNaN { return .nan }
        if lower >= upper { return 0 }
        var rank = 0.0, lowerRank = 0.0, upperRank = 0.0
        var lowerSet = false, upperSet = false
        var lowerBound = buckets[0].upperBound <= 0 ? -Double.infinity : 0
        for (i, b) in buckets.enumerated() {
            if i > 0 { lowerBound = buckets[i - 1].upperBound }
            let upperBound = b.upperBound
            func interpolate(_ v: Double) -> Double {
                lowerBound == -.infinity ? b.count : rank + (b.count - rank) * (v - lowerBound) / (upperBound - lowerBound)
            }
            if !lowerSet && lowerBound >= lower { lowerRank = rank; lowerSet = true }
            if !upperSet && lowerBound >= upper { upperRank = rank; upperSet = true }
            if lowerSet && upperSet { break }
            if !lowerSet && lowerBound < lower && upperBound > lower { lowerRank = interpolate(lower); lowerSet = true }
            if !upperSet && lowerBound < upper && upperBound > upper { upperRank = interpolate(upper); upperSet = true }
            if lowerSet && upperSet { break }
            rank = b.count
        }
        if !lowerSet || lowerRank > count { lowerRank = count }
        if !upperSet || upperRank > count { upperRank = count }
        return (upperRank - lowerRank) / count
    }
}

/// Prometheus's `almost.Equal`: equal bits, both NaN, or a relative difference below `tolerance`.
func almostEqual(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
    let minNormal = 2.2250738585072014e-308
    if a == b { return true }
    if a.isNaN && b.isNaN { return true }
    let diff = abs(a - b)
    if a == 0 || b == 0 || abs(a) + abs(b) < minNormal { return diff < tolerance * minNormal }
    return diff / Swift.min(abs(a) + abs(b), Double.greatestFiniteMagnitude) < tolerance
}
