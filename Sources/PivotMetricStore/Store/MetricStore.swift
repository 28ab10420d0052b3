import Foundation
import Logging
import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

/// The metric store: series with their float samples, native histograms, exemplars and metadata,
/// kept in `options.path` (`metrics.sqlite` and `wal/`). `docs/storage.md` describes the format.
///
/// Writes go through `appender()`: a commit is in the write-ahead log (group commit) before it
/// returns, then in the in-memory head, whose full chunks and periodic checkpoints go to SQLite.
/// Reads merge SQLite and the head. Time is milliseconds since the Unix epoch; ranges are inclusive.
///
/// Life cycle: `open(options:logger:)` recovers and returns a ready store. To answer "not ready"
/// while recovering, use `init(options:logger:)` then `start()`, and read `readiness` meanwhile.
/// `close()` checkpoints and releases the files. A store that is never closed (a crash) loses
/// nothing acknowledged: the next start replays the log.
public final class MetricStore: Sendable {
    public let options: MetricStoreOptions
    let logger: Logger
    let head: Head
    let index = SeriesIndex()
    let gate = CommitGate()
    /// Serializes checkpoints, retention and closing.
    let maintenance = AsyncLock()
    let wal: WriteAheadLog
    let worker: DatabaseWorker
    let readers: ReaderPool
    let metrics = StoreMetrics()
    let databasePath: String
    let readinessState = Mutex<StoreReadiness>(.starting)
    /// Exemplars committed but not yet in SQLite, in commit order.
    let exemplarBuffer = Mutex<[StoredExemplar]>([])
    let metadataState = Mutex(MetadataState())
    let nextAppenderToken = Atomic<UInt32>(1)
    /// The longest span a persisted chunk may have (`MetricSchema.maxChunkSpanKey`).
    let maxChunkSpan: Atomic<Int64>
    let background = Mutex<[Task<Void, Never>]>([])
    /// The high half of every series reference this store hands out (`AppendResult.seriesRefs`):
    /// random per opening, so a reference from another store, or from before a restart, is refused
    /// rather than taken for a different series.
    let seriesRefTag = UInt64.random(in: 1...0x7FFF_FFFF)

    /// Opens the directory, the database (migrating its schema) and the write-ahead log; reads no
    /// data. Call `start()` next.
    public init(options: MetricStoreOptions, logger: Logger) throws(MetricStoreError) {
        self.options = options
        head = Head(maxSeries: options.maxActiveSeries)
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: options.path, withIntermediateDirectories: true)
        } catch {
            throw MetricStoreError(.cannotOpen, "cannot create the data directory \(options.path): \(error)")
        }
        databasePath = options.path + "/metrics.sqlite"
        let database: MetricDatabase
        do {
            database = try MetricDatabase(path: databasePath, cacheKiB: options.writerCacheKiB, pageSize: options.sqlitePageSize)
        } catch {
            throw MetricStoreError(.cannotOpen, "cannot open \(databasePath): \(error.message)")
        }
        do {
            let applied = try MetricSchema.migrator.migrate(database.connection)
            if !applied.isEmpty {
                logger.info("migrated the metric database", metadata: [
                    "path": "\(databasePath)", "versions": "\(applied.map(String.init).joined(separator: ","))",
                ])
            }
        } catch {
            database.close()
            let code: MetricStoreError.Code = error.code == .newerThanCode ? .schemaTooNew : .cannotOpen
            throw MetricStoreError(code, error.message)
        }
        var walOptions = WALOptions()
        walOptions.segmentSize = options.walSegmentSize
        walOptions.sync = options.walSync
        do {
            wal = try WriteAheadLog(directory: options.path + "/wal", options: walOptions, logger: logger)
        } catch {
            database.close()
            throw MetricStoreError(.cannotOpen, "cannot open the write-ahead log: \(error.message)")
        }
        worker = DatabaseWorker(database: database)
        readers = ReaderPool(path: databasePath, cacheKiB: options.readerCacheKiB, idleLimit: options.idleReadConnections)
        maxChunkSpan = Atomic(options.chunks.maxDuration)
    }

    /// Opens and recovers a store; it is ready when this returns.
    public static func open(options: MetricStoreOptions, logger: Logger) async throws(MetricStoreError) -> MetricStore {
        let store = try MetricStore(options: options, logger: logger)
        try await store.start()
        return store
    }

    /// Recovers (loads the database, replays the write-ahead log) and starts the background
    /// checkpoint and retention tasks. `readiness` is `.replaying` meanwhile, `.ready` after.
    public func start() async throws(MetricStoreError) {
        let proceed = readinessState.withLock { state in
            guard state == .starting else { return false }
            state = .replaying
            return true
        }
        guard proceed else { throw MetricStoreError(.notRunning, "the metric store was already started") }
        do {
            // Recovery blocks for as long as the log takes to replay: run it on the database queue,
            // off Swift's cooperative thread pool.
            try await worker.run { _ in try self.recover() }
        } catch {
            let failure = error as? MetricStoreError
                ?? MetricStoreError(.recoveryFailed, "recovery failed: \(error)")
            readinessState.withLock { $0 = .failed(failure.message) }
            throw failure
        }
        readinessState.withLock { $0 = .ready }
        startBackgroundTasks()
    }

    public var readiness: StoreReadiness { readinessState.withLock { $0 } }

    /// Whether the store accepts writes and queries.
    public var isReady: Bool { readiness == .ready }

    /// Checkpoints, stops the background tasks and closes the write-ahead log and the database.
    /// Later writes fail with a retryable error; later queries fail. Idempotent.
    public func close() async {
        await shutDown(checkpointing: .checkpoint)
    }

    enum ShutdownMode {
        case checkpoint
        /// Leaves the files as `kill -9` would (everything acknowledged is in the log): for tests of
        /// crash recovery.
        case abandon
    }

    func shutDown(checkpointing mode: ShutdownMode) async {
        let wasReady = readinessState.withLock { state in
            switch state {
            case .closing, .closed: return Optional<Bool>.none
            case .ready:
                state = .closing
                return true
            default:
                state = .closing
                return false
            }
        }
        guard let wasReady else { return }
        let tasks = background.withLock { tasks in
            let all = tasks
            tasks = []
            return all
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await maintenance.lock()
        if wasReady && mode == .checkpoint {
            do {
                try await checkpointLocked(final: true)
            } catch {
                logger.error("final checkpoint failed; the write-ahead log keeps the data", metadata: [
                    "error": "\(error)",
                ])
            }
        }
        await wal.close()
        readers.closeAll()
        _ = try? await worker.run { database in database.close() }
        readinessState.withLock { $0 = .closed }
        maintenance.unlock()
    }

    /// Throws the error an operation gets when the store is not ready.
    func requireReady() throws(MetricStoreError) {
        let state = readiness
        guard state == .ready else {
            throw MetricStoreError(.notRunning, "the metric store is not ready (\(state))")
        }
    }

    /// Milliseconds since the Unix epoch, now.
    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// Metadata by metric family name (latest wins), and the names changed since the last checkpoint.
struct MetadataState: Sendable {
    var byMetric: [String: MetricMetadata] = [:]
    var dirty: Set<String> = []
}
