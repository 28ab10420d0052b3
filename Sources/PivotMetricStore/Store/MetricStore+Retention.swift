import Synchronization
import Metrics
import Logging
import PivotModel

extension MetricStore {
    /// Removes data older than `now - options.retention` (milliseconds): whole chunks whose newest
    /// sample is older, older native histograms and exemplars, and series with nothing left (from
    /// the head, the index and SQLite). Runs in the background every `retentionCheckInterval`.
    public func applyRetention(now: Int64) async throws(MetricStoreError) {
        try requireReady()
        await maintenance.lock()
        defer { maintenance.unlock() }
        try await applyRetentionLocked(now: now)
    }

    func applyRetentionLocked(now: Int64) async throws(MetricStoreError) {
        let cutoff = now &- options.retention
        // Commits hold the gate from staging checks to the head update, so no commit can be using a
        // series while it is removed (appenders that staged earlier re-check at commit).
        await gate.enterExclusive()
        var removed: [(id: SeriesID, labelBytes: [UInt8])] = []
        var droppedChunks = 0
        for shard in head.shards {
            shard.state.withLock { state in
                var victims: [MemSeries] = []
                for case let series? in state.slots {
                    droppedChunks += series.dropData(olderThan: cutoff)
                    if series.isEmpty { victims.append(series) }
                }
                for series in victims {
                    state.remove(series)
                    removed.append((series.id, series.labelBytes))
                }
            }
        }
        let removedIDs = Set(removed.map(\.id))
        exemplarBuffer.withLock { buffer in
            buffer.removeAll { $0.timestamp < cutoff || removedIDs.contains($0.series) }
        }
        gate.leaveExclusive()

        index.remove(removed)
        let ids = removed.map(\.id)
        do {
            try await worker.run { database in try database.applyRetention(cutoff: cutoff, removedSeries: ids) }
        } catch {
            metrics.retentionFailures.increment()
            throw MetricStoreError(.storage, "retention: cannot delete from \(databasePath): \(error)")
        }
        metrics.retentionRuns.increment()
        metrics.seriesRemoved.increment(by: removed.count)
        metrics.chunksRemoved.increment(by: droppedChunks)
        metrics.headSeries.record(head.seriesCount)
        if !removed.isEmpty || droppedChunks > 0 {
            logger.info("retention removed old data", metadata: [
                "cutoff": "\(cutoff)", "series": "\(removed.count)", "headChunks": "\(droppedChunks)",
            ])
        }
    }
}
