/// When appended records reach the disk.
public enum WALSyncPolicy: Sendable, Hashable {
    /// Fsync before `append` returns: survives power loss; every group commit costs an fsync.
    case always
    /// `write(2)` before `append` returns (survives `kill -9` of the process) and an fsync by a
    /// background task every interval, so an OS crash or power loss loses at most about that long.
    case interval(Duration)
    /// `write(2)` only (survives `kill -9`); fsync only on `sync()`, `cut()` and `close()`.
    case never
}

/// How the write-ahead log writes. Every field's doc comment gives its default.
public struct WALOptions: Sendable, Hashable {
    /// Bytes after which appends move to a new segment file. A group's records never span two
    /// segments, so a segment may end up to one group larger. Default 128 MiB.
    public var segmentSize: Int = 128 << 20
    /// Default `.interval(.seconds(1))`.
    public var sync: WALSyncPolicy = .interval(.seconds(1))
    /// The largest record payload accepted, in bytes; larger appends fail with `.recordTooLarge`.
    /// Default 64 MiB (at most `UInt32.max`).
    public var maxRecordSize: Int = 64 << 20
    /// The most bytes gathered from concurrent appenders into one write. Default 16 MiB.
    public var maxGroupBytes: Int = 16 << 20

    public init() {}

    public init(segmentSize: Int = 128 << 20, sync: WALSyncPolicy = .interval(.seconds(1))) {
        self.segmentSize = segmentSize
        self.sync = sync
    }
}
