/// Where and how the trace store keeps spans. A plain value; each field's doc comment gives its default.
public struct TraceStoreOptions: Sendable, Hashable {
    /// Directory of the trace database (`traces.db`), created (with its parents) when missing. No
    /// default: the server passes `<storage.path>/traces`.
    public var path: String
    /// How long traces are kept, in nanoseconds: `deleteExpired(nowUnixNano:)` deletes traces whose
    /// last span ended before `now - retention`. Default 15 days.
    public var retentionNanos: UInt64
    /// Distinct values remembered per attribute key (and scope) for tag-value listings; later new
    /// values are stored and searchable but not listed. Default 1,000.
    public var maxTagValuesPerKey: Int
    /// String attribute values longer than this many UTF-8 bytes are not listed as tag values
    /// (still stored and searchable). Default 256.
    public var maxTagValueLength: Int
    /// Most candidate traces one search inspects, newest first, before it returns what it found.
    /// Default 200,000.
    public var maxInspectedTraces: Int
    /// SQLite page cache of the writing connection, KiB. Default 65,536 (64 MiB).
    public var cacheSizeKiB: Int
    /// SQLite page cache of each reading connection, KiB. Default 16,384 (16 MiB).
    public var readerCacheSizeKiB: Int = 16 * 1024
    /// Reading connections kept open between reads (more are opened while reads run concurrently).
    /// Default 4.
    public var idleReadConnections: Int = 4
    /// WAL size after which it is checkpointed into the database file in the background; at twice
    /// this the writer checkpoints itself, so the WAL file stays near that size. Default 128 MiB.
    public var walCheckpointBytes: Int
    /// Traces whose summaries are kept in memory (`PendingTraces`, about 200 bytes each) before they
    /// are written to the `traces` table in one transaction. Default 100,000 (about 25 MB): each merge
    /// rewrites most pages of `traces` and its index, so fewer, larger merges write less.
    public var pendingTraceLimit: Int = 100_000

    public init(
        path: String, retentionNanos: UInt64 = 15 * 86_400 * 1_000_000_000, maxTagValuesPerKey: Int = 1_000,
        maxTagValueLength: Int = 256, maxInspectedTraces: Int = 200_000, cacheSizeKiB: Int = 64 * 1024,
        walCheckpointBytes: Int = 128 << 20
    ) {
        self.path = path
        self.retentionNanos = retentionNanos
        self.maxTagValuesPerKey = maxTagValuesPerKey
        self.maxTagValueLength = maxTagValueLength
        self.maxInspectedTraces = maxInspectedTraces
        self.cacheSizeKiB = cacheSizeKiB
        self.walCheckpointBytes = walCheckpointBytes
    }

    /// The retention as a `Duration` (sets `retentionNanos`; negative durations read as zero).
    public var retention: Duration {
        get { .nanoseconds(Int64(clamping: retentionNanos)) }
        set {
            let (seconds, attoseconds) = newValue.components
            guard seconds >= 0 else { return retentionNanos = 0 }
            let (nanos, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
            retentionNanos = overflow ? UInt64.max : nanos &+ UInt64(max(0, attoseconds) / 1_000_000_000)
        }
    }
}
