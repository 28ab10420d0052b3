import Dispatch
import Logging
import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Pivot's trace store: spans in a SQLite database of their own (`<path>/traces.db`), keyed by trace
/// id, kept as the bytes that arrived (lossless), with per-trace and per-service summaries for search
/// and small distinct tables for tag and service listings.
///
/// `append` commits one transaction (WAL, `synchronous=NORMAL`): when it returns the spans survive
/// `kill -9`. Spans already stored (same trace and span id) are skipped and counted, so retried
/// exports and partial traces sent in several requests merge into one trace. One connection writes
/// (serialised by a lock), another reads; readers see committed data only.
public final class TraceStore: TraceAppendable, TraceQueryable, Sendable {
    public let options: TraceStoreOptions
    let writer: Mutex<Writer>
    let reader: Mutex<Reader>
    let catalog: Mutex<Catalog>
    let logger: Logger
    let writeQueue = DispatchQueue(label: "pivot.trace-store.write")

    init(options: TraceStoreOptions, writer: Writer, reader: Reader, catalog: Catalog, logger: Logger) {
        self.options = options
        self.writer = Mutex(writer)
        self.reader = Mutex(reader)
        self.catalog = Mutex(catalog)
        self.logger = logger
    }

    /// Opens (creating when missing) the trace database under `options.path`.
    public static func open(options: TraceStoreOptions, logger: Logger) throws(TraceStoreError) -> TraceStore {
        if mkdir(options.path, 0o755) != 0 && errno != EEXIST {
            throw TraceStoreError("cannot create the trace directory \(options.path): \(String(cString: strerror(errno)))")
        }
        let path = options.path + "/traces.db"
        do {
            var sqlite = SQLiteOptions()
            sqlite.cacheSizeKiB = options.cacheSizeKiB
            sqlite.walAutoCheckpointPages = 16_384
            let database = try SQLiteDatabase(path: path, options: sqlite)
            _ = try TraceStoreSchema.migrator.migrate(database)
            let writer = try Writer(database: database)
            var readOptions = SQLiteOptions()
            readOptions.cacheSizeKiB = options.cacheSizeKiB
            readOptions.access = .readWrite
            let reader = try Reader(database: try SQLiteDatabase(path: path, options: readOptions))
            let catalog = try Catalog.load(from: database, options: options)
            return TraceStore(options: options, writer: writer, reader: reader, catalog: catalog, logger: logger)
        } catch let error as SQLiteError {
            throw TraceStoreError("cannot open the trace database \(path): \(error.message)")
        } catch let error as SchemaMigrationError {
            throw TraceStoreError("cannot migrate the trace database \(path): \(error)")
        } catch {
            throw TraceStoreError("cannot open the trace database \(path): \(error)")
        }
    }

    /// Closes both connections (checkpointing the WAL into the database file).
    public func close() {
        reader.withLock { $0.database.close() }
        writer.withLock { writer in
            try? writer.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            writer.database.close()
        }
    }
}

/// A trace store that cannot open or write.
public struct TraceStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
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
