/// Running totals since the store was opened, for metrics and benchmarks.
public struct TraceStoreStatistics: Sendable, Hashable {
    /// Appends committed.
    public var appends: Int = 0
    public var spansWritten: Int = 0
    public var duplicateSpans: Int = 0
    /// Nanoseconds spent encoding and compressing batches, on the callers' tasks.
    public var prepareNanos: UInt64 = 0
    /// Nanoseconds the write queue spent in append transactions (the serial part of ingest).
    public var writeNanos: UInt64 = 0

    public init() {}
}
