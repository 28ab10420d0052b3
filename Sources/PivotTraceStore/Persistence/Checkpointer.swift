import Dispatch
import PivotSQLite
import Synchronization

/// Copies the WAL back into the database file on a connection and queue of its own, so the writer's
/// commits do not pay for checkpoints (with SQLite's automatic checkpoint, the commit that crosses
/// the threshold copies the whole WAL and syncs).
///
/// The writer's connection reports how many frames the WAL holds after each commit (SQLite's WAL
/// hook). Past `thresholdBytes` a passive checkpoint starts in the background. SQLite starts writing
/// the WAL from its beginning again only when a checkpoint copied every frame before the next commit,
/// which a background checkpoint racing a busy writer may never manage; so past twice the threshold
/// the writer checkpoints itself, between two of its transactions. The WAL file therefore stays
/// near `2 × thresholdBytes` and is rewritten in place instead of growing.
final class Checkpointer: Sendable {
    let database: SQLiteDatabase
    let thresholdBytes: Int
    private let queue = DispatchQueue(label: "pivot.trace-store.checkpoint")
    private let running = Atomic<Bool>(false)
    /// Bytes per WAL frame: a page and its 24-byte frame header.
    private let frameBytes: Int

    init(path: String, thresholdBytes: Int, pageSize: Int) throws(SQLiteError) {
        var options = SQLiteOptions()
        options.access = .readWrite
        options.cacheSizeKiB = 1024
        options.enforceForeignKeys = false
        database = try SQLiteDatabase(path: path, options: options)
        self.thresholdBytes = max(1 << 20, thresholdBytes)
        frameBytes = pageSize + 24
    }

    /// Called by the writer after each commit.
    func committed(writer: SQLiteDatabase) {
        let walBytes = writer.walFrameCount * frameBytes
        if walBytes > 2 * thresholdBytes {
            // Wait for a background checkpoint, then copy what is left; the next commit restarts the WAL.
            queue.sync { Self.checkpoint(writer) }
            return
        }
        guard walBytes > thresholdBytes, !running.exchange(true, ordering: .acquiring) else { return }
        queue.async {
            Self.checkpoint(self.database)
            self.running.store(false, ordering: .releasing)
        }
    }

    /// A passive checkpoint: copies what no reader still needs. A failure is left to the next one.
    private static func checkpoint(_ database: SQLiteDatabase) {
        try? database.execute("PRAGMA wal_checkpoint(PASSIVE)")
    }

    /// Waits for a running checkpoint and closes the connection.
    func close() {
        queue.sync { database.close() }
    }
}
