/// A span of consecutive native-histogram buckets: `offset` empty buckets skipped, then `length` buckets.
public struct BucketSpan: Hashable, Sendable {
    public var offset: Int32
    public var length: UInt32

    public init(offset: Int32, length: UInt32) {
        self.offset = offset
        self.length = length
    }
}

/// A native (sparse, exponential or custom-bucket) histogram sample, kept exactly as it arrived so it
/// can be stored losslessly. Integer histograms carry bucket deltas, float histograms absolute counts.
public struct HistogramSample: Hashable, Sendable {
    public enum Counts: Hashable, Sendable {
        case integer(count: UInt64, zeroCount: UInt64, positiveDeltas: [Int64], negativeDeltas: [Int64])
        case float(count: Double, zeroCount: Double, positiveCounts: [Double], negativeCounts: [Double])
    }

    /// The reset hint a sender attaches (`UNKNOWN=0 YES=1 NO=2 GAUGE=3`).
    public enum ResetHint: Int, Hashable, Sendable {
        case unknown = 0, yes = 1, no = 2, gauge = 3
    }

    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var schema: Int32
    public var sum: Double
    public var zeroThreshold: Double
    public var counts: Counts
    public var positiveSpans: [BucketSpan]
    public var negativeSpans: [BucketSpan]
    public var resetHint: ResetHint
    /// Upper bounds of custom buckets (schema -53).
    public var customValues: [Double]
    /// Start (created) timestamp in milliseconds, 0 when unset.
    public var startTimestamp: Int64

    public init(
        timestamp: Int64, schema: Int32, sum: Double, zeroThreshold: Double, counts: Counts,
        positiveSpans: [BucketSpan], negativeSpans: [BucketSpan], resetHint: ResetHint = .unknown,
        customValues: [Double] = [], startTimestamp: Int64 = 0
    ) {
        self.timestamp = timestamp
        self.schema = schema
        self.sum = sum
        self.zeroThreshold = zeroThreshold
        self.counts = counts
        self.positiveSpans = positiveSpans
        self.negativeSpans = negativeSpans
        self.resetHint = resetHint
        self.customValues = customValues
        self.startTimestamp = startTimestamp
    }
}
