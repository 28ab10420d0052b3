import PivotModel

/// OTLP exponential histograms as Prometheus native histograms (spec: "Exponential Histograms").
///
/// The OTLP scale is the Prometheus schema. Scales above 8 are reduced to 8 by merging neighbouring
/// buckets (no precision a query could use is lost: schema 8 is Prometheus's finest); scales below -4
/// cannot be represented and their points are rejected. OTLP bucket `i` covers `(base^i, base^(i+1)]`,
/// Prometheus bucket `i + 1` the same range, hence the offset of one. A zero threshold of 0 becomes
/// Prometheus's default 1e-128.
enum NativeHistogramConversion {
    static let minimumScale: Int32 = -4
    static let maximumScale: Int32 = 8
    static let defaultZeroThreshold = 1e-128

    /// The point as a running total at a scale Prometheus accepts (for delta accumulation and output).
    static func total(of point: OTLPExponentialHistogramPoint) -> DeltaToCumulative.ExponentialTotal {
        func buckets(_ b: OTLPExponentialBuckets) -> [Int32: UInt64] {
            var result: [Int32: UInt64] = [:]
            for (i, count) in b.bucketCounts.enumerated() where count != 0 {
                result[b.offset &+ Int32(truncatingIfNeeded: i), default: 0] &+= count
            }
            return result
        }
        let total = DeltaToCumulative.ExponentialTotal(
            scale: point.scale, count: point.count, sum: point.sum ?? 0, zeroCount: point.zeroCount,
            zeroThreshold: point.zeroThreshold, positive: buckets(point.positive), negative: buckets(point.negative))
        return total.downscaled(to: min(point.scale, maximumScale))
    }

    /// An integer native histogram with bucket spans and deltas, in Prometheus's bucket numbering.
    static func histogram(
        _ total: DeltaToCumulative.ExponentialTotal, timestamp: Int64, startTimestamp: Int64
    ) -> HistogramSample {
        let positive = layout(total.positive)
        let negative = layout(total.negative)
        return HistogramSample(
            timestamp: timestamp, schema: total.scale, sum: total.sum,
            zeroThreshold: total.zeroThreshold > 0 ? total.zeroThreshold : defaultZeroThreshold,
            counts: .integer(
                count: total.count, zeroCount: total.zeroCount, positiveDeltas: positive.deltas,
                negativeDeltas: negative.deltas),
            positiveSpans: positive.spans, negativeSpans: negative.spans, resetHint: .unknown,
            startTimestamp: startTimestamp)
    }

    /// The marker written for a `NO_RECORDED_VALUE` point: an empty histogram whose sum is the stale NaN.
    static func staleHistogram(at timestamp: Int64) -> HistogramSample {
        HistogramSample(
            timestamp: timestamp, schema: 0, sum: StaleMarker.value, zeroThreshold: defaultZeroThreshold,
            counts: .integer(count: 0, zeroCount: 0, positiveDeltas: [], negativeDeltas: []),
            positiveSpans: [], negativeSpans: [])
    }

    /// Spans and count deltas for buckets keyed by OTLP index. Gaps of up to two empty buckets are
    /// filled with zeros rather than starting a new span (cheaper to store), as Prometheus does.
    static func layout(_ buckets: [Int32: UInt64]) -> (spans: [BucketSpan], deltas: [Int64]) {
        let indexes = buckets.keys.sorted()
        var spans: [BucketSpan] = []
        var deltas: [Int64] = []
        var previousCount: Int64 = 0
        var previousIndex: Int32 = 0
        for index in indexes {
            let prometheusIndex = index &+ 1
            let count = Int64(truncatingIfNeeded: buckets[index]!)
            if spans.isEmpty {
                spans.append(BucketSpan(offset: prometheusIndex, length: 1))
            } else {
                let gap = prometheusIndex - previousIndex - 1
                if gap <= 2 {
                    for _ in 0..<gap {
                        deltas.append(-previousCount)
                        previousCount = 0
                    }
                    spans[spans.count - 1].length += UInt32(gap) + 1
                } else {
                    spans.append(BucketSpan(offset: gap, length: 1))
                }
            }
            deltas.append(count - previousCount)
            previousCount = count
            previousIndex = prometheusIndex
        }
        return (spans, deltas)
    }
}
