import Dispatch
import PivotSQLite
import Synchronization

/// Copies the WAL back into the database file on a connection and queue of its own, so the writer's
/// commits do not pay for checkpoints (with SQLite's automatic checkpoint, the commit that crosses
/// the threshold copies the whole WAL and syncs). The writer reports roughly how many bytes each
/// commit added; past `thresholdBytes` a passive checkpoint starts in the background, and past
/// four times that (the checkpointer falling behind) the writer checkpoints itself.
final class Checkpointer: Sendable {
    let database: SQLiteDatabase
    let thresholdBytes: Int
    private let queue = DispatchQueue(label: "pivot.trace-store.checkpoint")
    /// Bytes written to the WAL since the last complete checkpoint (an estimate).
    private let pendingBytes = Atomic<Int>(0)
    private let running = Atomic<Bool>(false)

    init(path: String, thresholdBytes: Int) throws(SQLiteError) {
        var options = SQLiteOptions()
        options.access = .readWrite
        options.cacheSizeKiB = 1024
        options.enforceForeignKeys = false
        database = try SQLiteDatabase(path: path, options: options)
        self.thresholdBytes = max(1 << 20, thresholdBytes)
    }

    /// Called by the writer after each commit.
    func committed(bytes: Int, writer: SQLiteDatabase) {
        let pending = pendingBytes.add(bytes, ordering: .relaxed).newValue
        if pending > 4 * thresholdBytes {
            if let complete = Self.checkpoint(writer), complete { pendingBytes.store(0, ordering: .relaxed) }
            return
        }
        guard pending > thresholdBytes, !running.exchange(true, ordering: .acquiring) else { return }
        queue.async {
            let before = self.pendingBytes.load(ordering: .relaxed)
            if let complete = Self.checkpoint(self.database), complete {
                self.pendingBytes.subtract(before, ordering: .relaxed)
            }
            self.running.store(false, ordering: .releasing)
        }
    }

    /// A passive checkpoint; whether it copied every frame (nil when it failed).
    private static func checkpoint(_ database: SQLiteDatabase) -> Bool? {
        guard let statement = try? database.prepare("PRAGMA wal_checkpoint(PASSIVE)"), (try? statement.step()) == true else {
            return nil
        }
        defer { statement.reset() }
        // Columns: busy, frames in the WAL, frames checkpointed.
        return statement.int(at: 0) == 0 && statement.int(at: 1) == statement.int(at: 2)
    }

    /// Waits for a running checkpoint and closes the connection.
    func close() {
        queue.sync { database.close() }
    }
}
