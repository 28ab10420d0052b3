/// How the metric store keeps data. A plain value; only the executable reads flags into it. Every
/// field's doc comment gives its default. Times are milliseconds unless the type is `Duration`.
public struct MetricStoreOptions: Sendable, Hashable {
    /// The data directory: `metrics.sqlite` and `wal/` live in it. Created when missing. No default:
    /// the executable's `--storage.path` defaults to `./data`.
    public var path: String
    /// How long samples, histograms and exemplars are kept, in milliseconds: whole chunks whose newest
    /// sample is older than `now - retention` are removed, with older exemplars and histograms, and
    /// series with nothing left. Default 15 days.
    public var retention: Int64 = 15 * 24 * 3_600_000
    /// How far behind a series' newest sample (milliseconds) a sample may still be accepted. 0 refuses
    /// every sample older than the newest (as Prometheus does by default). Default 0.
    public var outOfOrderTimeWindow: Int64 = 0
    /// Most series the head may hold (`--storage.max-active-series`); a batch that would create more is
    /// refused with `limitExceeded` (remote-write 400, naming the limit). Series come back under it when
    /// retention removes them. Default 10,000,000.
    public var maxActiveSeries: Int = 10_000_000
    /// When write-ahead log writes are fsynced. Every policy survives `kill -9` of the process once an
    /// append returns; `.always` also survives power loss. Default `.interval(.seconds(1))`.
    public var walSync: WALSyncPolicy = .interval(.seconds(1))
    /// Bytes after which the write-ahead log moves to a new segment file. Default 128 MiB.
    public var walSegmentSize: Int = 128 << 20
    /// When a head chunk is full. Default `ChunkPolicy()`: 480 samples or 2 hours.
    public var chunks = ChunkPolicy()
    /// How often the head is checkpointed into SQLite (and the write-ahead log truncated). Default 5 minutes.
    public var checkpointInterval: Duration = .seconds(300)
    /// Checkpoint early when the write-ahead log is larger than this many bytes. Default 512 MiB.
    public var checkpointWALBytes: Int64 = 512 << 20
    /// How often retention runs. Default 10 minutes.
    public var retentionCheckInterval: Duration = .seconds(600)
    /// SQLite page size in bytes for a new database (an existing one keeps its own). Larger pages
    /// hold larger chunk rows without overflow pages. Default 8192.
    public var sqlitePageSize = 8192
    /// SQLite page cache of the writing connection in KiB. Default 16,384 (16 MiB).
    public var writerCacheKiB = 16 * 1024
    /// SQLite page cache of each reading connection in KiB. Default 8,192 (8 MiB).
    public var readerCacheKiB = 8 * 1024
    /// Reading connections kept open for queries (more are opened when needed). Default 4.
    public var idleReadConnections = 4

    public init(path: String) {
        self.path = path
    }

    /// Options for loading historical data that must all be kept, such as Prometheus's PromQL test
    /// scripts (samples near the Unix epoch, sometimes out of order): retention and out-of-order
    /// window of 200 years, no fsync.
    public static func keepingEverything(path: String) -> MetricStoreOptions {
        var options = MetricStoreOptions(path: path)
        options.retention = 200 * 365 * 24 * 3_600_000
        options.outOfOrderTimeWindow = 200 * 365 * 24 * 3_600_000
        options.walSync = .never
        return options
    }
}

/// When the open chunk of a series is full and a new one starts. Chunks are the unit of storage
/// and retention: fewer, larger chunks compress a little better and cost fewer rows; smaller ones
/// keep less in memory and let retention free space sooner.
public struct ChunkPolicy: Sendable, Hashable {
    /// Samples per chunk. Default 480 (two hours at a 15 s scrape interval). Measured on exporter-like
    /// data (2,000 series × 1,000 samples, 8 KiB pages): 120 samples cost 1.12 bytes/sample of chunk
    /// data, 240 cost 1.02, 480 cost 0.97 (1.14 with SQLite's row and page overhead); beyond about
    /// 900 samples rows overflow 8 KiB pages.
    public var maxSamples = 480
    /// The longest time a chunk may span, in milliseconds (a sample at `minTime + maxDuration` or
    /// later starts a new chunk). Default 2 hours.
    public var maxDuration: Int64 = 2 * 3_600_000

    public init(maxSamples: Int = 480, maxDuration: Int64 = 2 * 3_600_000) {
        precondition(maxSamples > 0 && maxDuration > 0, "ChunkPolicy limits must be positive")
        self.maxSamples = maxSamples
        self.maxDuration = maxDuration
    }
}
