import Dispatch
import Foundation
import Logging
import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

/// Pivot's trace store: spans in a SQLite database of their own (`<options.path>/traces.db`), keyed
/// by trace id, kept as the bytes that arrived (lossless: span, resource and scope bytes and schema
/// URLs), with per-trace and per-service summaries for search and small distinct tables for tag,
/// service and operation listings. `TraceStoreSchema` describes the tables.
///
/// `append` commits one transaction (WAL, `synchronous=NORMAL`): when it returns the spans survive
/// `kill -9`. Spans already stored (same trace and span id) are skipped and counted, so retried
/// exports and partial traces sent in several requests merge into one trace. Appends encode and
/// compress on the caller's task, then write on the store's own serial queue (off the cooperative
/// thread pool). Reads use their own connections (a small pool) and see committed data only.
///
/// Life cycle: `open(options:logger:)`, then `close()`; the server calls `deleteExpired(nowUnixNano:)`
/// periodically for retention.
public final class TraceStore: TraceAppendable, TraceQueryable, Sendable {
    public let options: TraceStoreOptions
    let writer: Mutex<Writer>
    let readers: ReaderPool
    let catalog: Mutex<Catalog>
    let logger: Logger
    let writeQueue = DispatchQueue(label: "pivot.trace-store.write")
    let databasePath: String
    let checkpointer: Checkpointer
    /// Set by `close()`: later appends and reads fail.
    let closed = Atomic<Bool>(false)
    let statisticsState = Mutex(TraceStoreStatistics())
    /// Summaries of traces appended since the last merge into `traces` (`PendingTraces`).
    let pending: Mutex<PendingTraces>

    /// Running totals since the store was opened.
    public var statistics: TraceStoreStatistics { statisticsState.withLock { $0 } }

    init(
        options: TraceStoreOptions, writer: Writer, readers: ReaderPool, checkpointer: Checkpointer, catalog: Catalog,
        pending: PendingTraces, logger: Logger
    ) {
        self.pending = Mutex(pending)
        self.checkpointer = checkpointer
        self.options = options
        self.writer = Mutex(writer)
        self.readers = readers
        self.catalog = Mutex(catalog)
        self.logger = logger
        self.databasePath = writer.database.path
    }

    /// Opens (creating when missing) the trace database under `options.path`, migrating its schema
    /// and loading resources, scopes and listings into memory.
    public static func open(options: TraceStoreOptions, logger: Logger) async throws(TraceStoreError) -> TraceStore {
        let result: Result<TraceStore, TraceStoreError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Result { () throws(TraceStoreError) in try openNow(options: options, logger: logger) }) }
        }
        return try result.get()
    }

    static func openNow(options: TraceStoreOptions, logger: Logger) throws(TraceStoreError) -> TraceStore {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: options.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw TraceStoreError(.cannotOpen, "the trace store path \(options.path) is not a directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: options.path, withIntermediateDirectories: true)
            } catch {
                throw TraceStoreError(.cannotOpen, "cannot create the trace directory \(options.path): \(error.localizedDescription)")
            }
        }
        let path = options.path + "/traces.db"
        var opened: SQLiteDatabase?
        do {
            var sqlite = SQLiteOptions()
            sqlite.cacheSizeKiB = options.cacheSizeKiB
            // Checkpoints run on the checkpointer's connection, not in the writer's commits.
            sqlite.walAutoCheckpointPages = 0
            sqlite.enforceForeignKeys = false
            let database = try SQLiteDatabase(path: path, options: sqlite)
            opened = database
            let applied = try TraceStoreSchema.migrator.migrate(database)
            if !applied.isEmpty {
                logger.info("migrated the trace database", metadata: [
                    "path": "\(path)", "versions": "\(applied.map(String.init).joined(separator: ","))",
                ])
            }
            try LegacyLayout.convert(database, logger: logger)
            database.trackWALFrames()
            let writer = try Writer(database: database)
            let readers = ReaderPool(
                path: path, cacheKiB: options.readerCacheSizeKiB, idleLimit: options.idleReadConnections,
                first: try ReaderPool.open(path: path, cacheKiB: options.readerCacheSizeKiB))
            let catalog = try Catalog.load(from: database)
            let pageSize = try database.prepare("PRAGMA page_size")
            _ = try pageSize.step()
            let checkpointer = try Checkpointer(
                path: path, thresholdBytes: options.walCheckpointBytes, pageSize: Int(pageSize.int64(at: 0)))
            let pending = try loadPending(writer: writer)
            return TraceStore(
                options: options, writer: writer, readers: readers, checkpointer: checkpointer, catalog: catalog,
                pending: pending, logger: logger)
        } catch let error as SQLiteError {
            opened?.close()
            throw TraceStoreError(.cannotOpen, "cannot open the trace database \(path): \(error.message)")
        } catch let error as SchemaMigrationError {
            opened?.close()
            let code: TraceStoreError.Code = error.code == .newerThanCode ? .schemaTooNew : .cannotOpen
            throw TraceStoreError(code, "cannot migrate the trace database \(path): \(error.message)")
        } catch {
            opened?.close()
            throw TraceStoreError(.cannotOpen, "cannot open the trace database \(path): \(error)")
        }
    }

    /// Waits for pending appends, checkpoints the WAL into the database file and closes both
    /// connections. Later appends and reads fail. Idempotent.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writeQueue.async {
                self.closed.store(true, ordering: .releasing)
                self.readers.close()
                self.checkpointer.close()
                self.writer.withLock { writer in
                    try? writer.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    writer.database.close()
                }
                continuation.resume()
            }
        }
    }

    /// Throws when the store is closed.
    func checkReadable() throws(QueryError) {
        if closed.load(ordering: .acquiring) { throw QueryError(.storage, "the trace store is closed") }
    }

    /// Runs `body` on the write queue (off the cooperative thread pool) with the write connection.
    func onWriter<T: Sendable>(_ body: @escaping @Sendable (inout Writer) throws -> T) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            writeQueue.async {
                guard !self.closed.load(ordering: .acquiring) else {
                    return continuation.resume(returning: .failure(TraceStoreError(.closed, "the trace store is closed")))
                }
                continuation.resume(returning: Result { try self.writer.withLock { writer throws in try body(&writer) } })
            }
        }
    }
}

/// 64-bit FNV-1a, for content-addressing resources and scopes (collisions are resolved by comparing bytes).
enum ContentHash {
    static func hash(_ bytes: [UInt8], _ text: String) -> Int64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        value = (value ^ 0xff) &* 0x100_0000_01b3
        for byte in text.utf8 {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: value)
    }
}
