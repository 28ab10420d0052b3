/// How a connection is opened and tuned. Every field's doc comment gives its default.
public struct SQLiteOptions: Sendable, Hashable {
    /// SQLite's `journal_mode`.
    public enum JournalMode: String, Sendable, Hashable {
        case wal = "WAL"
        case delete = "DELETE"
        case truncate = "TRUNCATE"
        case memory = "MEMORY"
    }

    /// SQLite's `synchronous` setting: how often SQLite waits for the disk.
    public enum Synchronous: String, Sendable, Hashable {
        /// Never fsyncs: fastest; an OS crash may corrupt the database.
        case off = "OFF"
        /// With WAL: commits survive a process crash; the last commits may roll back after an OS crash
        /// or power loss, but the database stays consistent.
        case normal = "NORMAL"
        /// Fsyncs at every commit.
        case full = "FULL"
    }

    /// How the file is opened.
    public enum Access: Sendable, Hashable {
        /// Read and write; create the file when it does not exist.
        case readWriteCreate
        /// Read and write; fail when the file does not exist.
        case readWrite
        /// Read only. Journal mode, synchronous and auto-checkpoint settings are not applied.
        case readOnly
    }

    /// Locking SQLite does inside one connection.
    public enum Threading: Sendable, Hashable {
        /// SQLite's own mutex guards every call on the connection (`SQLITE_OPEN_FULLMUTEX`): concurrent
        /// misuse cannot corrupt memory, though callers must still serialize logical units of work.
        case serialized
        /// No per-call mutex (`SQLITE_OPEN_NOMUTEX`): slightly faster; callers must never use the
        /// connection or its statements from two threads at once.
        case multiThread
    }

    /// Default `.wal`: readers do not block the writer, and commits are cheap.
    public var journalMode: JournalMode = .wal
    /// Default `.normal`: with WAL, a commit survives `kill -9` of the process.
    public var synchronous: Synchronous = .normal
    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    /// Default 5 seconds.
    public var busyTimeout: Duration = .seconds(5)
    /// Page cache size per connection in KiB (`PRAGMA cache_size = -N`). Default 32768 (32 MiB).
    public var cacheSizeKiB: Int = 32 * 1024
    /// Memory-mapped I/O size in bytes (`PRAGMA mmap_size`); 0 turns it off. Default 0.
    public var mmapSizeBytes: Int = 0
    /// WAL pages after which SQLite checkpoints automatically (`PRAGMA wal_autocheckpoint`).
    /// Default 1000 (SQLite's default, about 4 MiB with 4 KiB pages).
    public var walAutoCheckpointPages: Int = 1000
    /// Whether `FOREIGN KEY` constraints are enforced (`PRAGMA foreign_keys`). Default true.
    public var enforceForeignKeys: Bool = true
    /// Default `.readWriteCreate`.
    public var access: Access = .readWriteCreate
    /// Default `.serialized`.
    public var threading: Threading = .serialized

    public init() {}

    /// Options for a read-only connection (all other fields default).
    public static var readOnly: SQLiteOptions {
        var options = SQLiteOptions()
        options.access = .readOnly
        return options
    }
}
