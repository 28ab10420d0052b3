import PivotSQLite
import Synchronization

extension TraceStore {
    /// Deletes traces whose last span ended before `nowUnixNano - options.retentionNanos`;
    /// returns how many. Runs on the write queue. The server calls it periodically.
    @discardableResult
    public func deleteExpired(nowUnixNano: UInt64) async throws(TraceStoreError) -> Int {
        guard nowUnixNano > options.retentionNanos else { return 0 }
        return try await deleteTraces(endedBefore: nowUnixNano - options.retentionNanos)
    }

    /// Deletes every trace whose last span ended before `cutoffUnixNano` (exclusive), with its
    /// chunks, in transactions of `batchSize` traces (so appends interleave); returns how many traces
    /// were deleted. Resources, scopes, service codes and listings stay.
    @discardableResult
    public func deleteTraces(endedBefore cutoffUnixNano: UInt64, batchSize: Int = 2_000) async throws(TraceStoreError) -> Int {
        let cutoff = Int64(clamping: cutoffUnixNano)
        var deleted = 0
        // Retention reads `traces`: the pending summaries go there first.
        if case .failure(let error) = await onWriter({ writer in try self.mergePending(writer: &writer) }) {
            throw error as? TraceStoreError ?? TraceStoreError(.storage, "deleting expired traces failed: \(error)")
        }
        while true {
            let outcome = await onWriter { writer in try Self.deleteBatch(before: cutoff, limit: max(1, batchSize), writer: writer) }
            switch outcome {
            case .success(let count):
                deleted += count
                if count < max(1, batchSize) { return deleted }
            case .failure(let error as TraceStoreError):
                throw error
            case .failure(let error as SQLiteError):
                throw TraceStoreError(.storage, "deleting expired traces failed: \(error.message)")
            case .failure(let error):
                throw TraceStoreError(.storage, "deleting expired traces failed: \(error)")
            }
        }
    }

    private static func deleteBatch(before cutoff: Int64, limit: Int, writer: Writer) throws -> Int {
        let database = writer.database
        return try database.transaction { () throws -> Int in
            try database.execute("CREATE TEMP TABLE IF NOT EXISTS expired (trace_id BLOB PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.expired")
            let select = try database.prepare(
                "INSERT INTO temp.expired SELECT trace_id FROM traces WHERE start < ?1 AND end < ?1 ORDER BY start LIMIT ?2")
            try select.bind(cutoff, at: 1)
            try select.bind(limit, at: 2)
            try select.run()
            let count = database.changes
            guard count > 0 else { return 0 }
            let chunks = try database.prepare("SELECT t.chunks FROM temp.expired e JOIN traces t ON t.trace_id = e.trace_id")
            let deleteChunk = try database.prepare("DELETE FROM span_chunks WHERE id = ?1")
            while try chunks.step() {
                for id in chunks.withBlob(at: 0, TraceChunkList.decode) {
                    try deleteChunk.bind(id, at: 1)
                    try deleteChunk.run()
                }
            }
            try database.execute("""
                DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM temp.expired);
                DELETE FROM temp.expired;
                """)
            return count
        }
    }
}
