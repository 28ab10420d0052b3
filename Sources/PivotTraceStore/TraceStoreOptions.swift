/// Where and how the trace store keeps spans. Each field has a documented default.
public struct TraceStoreOptions: Sendable, Hashable {
    /// Directory of the trace database (`traces.db`); created when missing.
    public var path: String
    /// Traces whose last span ended longer ago than this are deleted, in nanoseconds. Default 15 days.
    public var retentionNanos: UInt64
    /// Distinct values remembered per attribute key for tag-value listings. Default 1,000.
    public var maxTagValuesPerKey: Int
    /// String attribute values longer than this are not listed as tag values (still stored and
    /// searchable). Default 256 bytes.
    public var maxTagValueLength: Int
    /// Most traces a search inspects before it stops, newest first. Default 200,000.
    public var maxInspectedTraces: Int
    /// SQLite page cache per connection, KiB. Default 64 MiB.
    public var cacheSizeKiB: Int

    public init(
        path: String, retentionNanos: UInt64 = 15 * 86_400 * 1_000_000_000, maxTagValuesPerKey: Int = 1_000,
        maxTagValueLength: Int = 256, maxInspectedTraces: Int = 200_000, cacheSizeKiB: Int = 64 * 1024
    ) {
        self.path = path
        self.retentionNanos = retentionNanos
        self.maxTagValuesPerKey = maxTagValuesPerKey
        self.maxTagValueLength = maxTagValueLength
        self.maxInspectedTraces = maxInspectedTraces
        self.cacheSizeKiB = cacheSizeKiB
    }
}
