import Synchronization
import Metrics
import Foundation
import Logging
import PivotModel

extension MetricStore {
    /// Writes everything the head holds that SQLite lacks — new series, full and open chunks,
    /// out-of-order samples, native histograms, exemplars, changed metadata — in one transaction,
    /// then deletes the write-ahead log segments it covers. Runs periodically and at `close()`; a
    /// failure leaves the log in place (nothing is lost) and is retried next time.
    public func checkpoint() async throws(MetricStoreError) {
        try requireReady()
        await maintenance.lock()
        defer { maintenance.unlock() }
        try await checkpointLocked()
    }

    /// `checkpoint()` for a caller holding `maintenance`. `final` is the checkpoint at close.
    func checkpointLocked(final: Bool = false) async throws(MetricStoreError) {
        let started = ContinuousClock.now
        // Fsync outside the gate, so the cut's own fsync is short while commits wait.
        try? await wal.sync()
        await gate.enterExclusive()
        let segment: Int
        do {
            segment = try await wal.cut()
        } catch {
            gate.leaveExclusive()
            metrics.checkpointFailures.increment()
            throw MetricStoreError(.storage, "checkpoint: cannot start a new write-ahead log segment: \(error.message)")
        }
        // No commit is between its log append and its head update now: the head holds exactly the
        // records before `segment`.
        let batch = snapshotForCheckpoint(final: final)
        gate.leaveExclusive()

        if !batch.isEmpty {
            do {
                try await worker.run { database in try database.write(batch) }
            } catch {
                metadataState.withLock { state in
                    for entry in batch.metadata { state.dirty.insert(entry.metric) }
                }
                metrics.checkpointFailures.increment()
                throw MetricStoreError(.storage, "checkpoint: cannot write to \(databasePath): \(error)")
            }
            markPersisted(batch)
        }
        do {
            try wal.removeSegments(before: segment)
        } catch {
            logger.warning("checkpoint: cannot remove old write-ahead log segments", metadata: ["error": "\(error)"])
        }
        let elapsed = ContinuousClock.now - started
        metrics.checkpoints.increment()
        metrics.checkpointDuration.record(elapsed.seconds)
        updateSizeGauges()
        logger.debug("checkpoint done", metadata: [
            "chunks": "\(batch.chunks.count)", "series": "\(batch.series.count)",
            "exemplars": "\(batch.exemplars.count)", "histograms": "\(batch.histograms.count)",
            "elapsed": "\(elapsed)",
        ])
    }

    /// Collects what the checkpoint writes. The caller holds the commit gate exclusively.
    private func snapshotForCheckpoint(final: Bool) -> CheckpointBatch {
        var batch = CheckpointBatch()
        batch.isFinal = final
        let policy = options.chunks
        for shard in head.shards {
            shard.state.withLock { state in
                for case let series? in state.slots {
                    let id = series.id
                    if series.isLogged && !series.isPersisted { batch.series.append((id, series.labelBytes)) }
                    for pending in series.pending {
                        batch.chunks.append(ChunkWrite(
                            series: id, chunk: pending.chunk, mode: pending.ownsRow ? .replaceOwnRow : .insertOrMerge,
                            origin: .pending))
                    }
                    if series.head.count > series.headPersistedCount {
                        batch.chunks.append(ChunkWrite(
                            series: id, chunk: series.head, mode: series.headOwnsRow ? .replaceOwnRow : .insertOrMerge,
                            origin: .head(count: series.head.count)))
                    }
                    guard let extras = series.extras else { continue }
                    if !extras.outOfOrder.isEmpty {
                        for chunk in ChunkBuilder.chunks(of: extras.outOfOrder, policy: policy) {
                            batch.chunks.append(ChunkWrite(series: id, chunk: chunk, mode: .insertOrMerge, origin: .outOfOrder))
                        }
                    }
                    for histogram in extras.histograms { batch.histograms.append((id, histogram)) }
                }
            }
        }
        batch.chunks.sort { ($0.series, $0.chunk.minTime) < ($1.series, $1.chunk.minTime) }
        batch.exemplars = exemplarBuffer.withLock { $0 }
        batch.metadata = metadataState.withLock { state in
            let entries = state.dirty.compactMap { name in state.byMetric[name].map { (name, $0) } }
            state.dirty = []
            return entries
        }
        return batch
    }

    /// Lets the head forget what the checkpoint wrote: pending chunks and out-of-order samples go,
    /// the open chunk remembers that it owns its row.
    private func markPersisted(_ batch: CheckpointBatch) {
        var chunksByShard = [[Int]](repeating: [], count: HeadShard.shardCount)
        for (index, write) in batch.chunks.enumerated() { chunksByShard[HeadShard.shard(of: write.series)].append(index) }
        var histogramsByShard = [[Int]](repeating: [], count: HeadShard.shardCount)
        for (index, entry) in batch.histograms.enumerated() { histogramsByShard[HeadShard.shard(of: entry.id)].append(index) }
        var seriesByShard = [[SeriesID]](repeating: [], count: HeadShard.shardCount)
        for entry in batch.series { seriesByShard[HeadShard.shard(of: entry.id)].append(entry.id) }

        for shardIndex in 0..<HeadShard.shardCount {
            head.shards[shardIndex].state.withLock { state in
                for id in seriesByShard[shardIndex] { state.series(id)?.isPersisted = true }
                for index in chunksByShard[shardIndex] {
                    let write = batch.chunks[index]
                    guard let series = state.series(write.series) else { continue }
                    series.persistedMinTime = min(series.persistedMinTime, write.chunk.minTime)
                    series.persistedMaxTime = max(series.persistedMaxTime, write.chunk.maxTime)
                    switch write.origin {
                    case .head(let count):
                        if !series.head.isEmpty && series.head.minTime == write.chunk.minTime {
                            series.headOwnsRow = true
                            series.headPersistedCount = max(series.headPersistedCount, count)
                        } else if let cut = series.pending.firstIndex(where: { $0.chunk.minTime == write.chunk.minTime }) {
                            series.pending[cut].ownsRow = true
                        }
                    case .pending:
                        series.coldMaxTime = max(series.coldMaxTime, write.chunk.maxTime)
                        if let written = series.pending.firstIndex(where: {
                            $0.chunk.minTime == write.chunk.minTime && $0.chunk.count == write.chunk.count
                        }) {
                            series.pending.remove(at: written)
                        }
                    case .outOfOrder:
                        series.coldMaxTime = max(series.coldMaxTime, write.chunk.maxTime)
                        guard let extras = series.extras, !extras.outOfOrder.isEmpty else { continue }
                        let written = Set(write.chunk.map(\.timestamp))
                        extras.outOfOrder.removeAll { written.contains($0.timestamp) }
                    }
                }
                for index in histogramsByShard[shardIndex] {
                    let entry = batch.histograms[index]
                    guard let series = state.series(entry.id), let extras = series.extras else { continue }
                    series.persistedMinTime = min(series.persistedMinTime, entry.histogram.timestamp)
                    series.persistedMaxTime = max(series.persistedMaxTime, entry.histogram.timestamp)
                    series.coldMaxTime = max(series.coldMaxTime, entry.histogram.timestamp)
                    let position = extras.histograms.partitioningIndex { $0.timestamp >= entry.histogram.timestamp }
                    if position < extras.histograms.count && extras.histograms[position].timestamp == entry.histogram.timestamp {
                        extras.histograms.remove(at: position)
                    }
                }
            }
        }
        if !batch.exemplars.isEmpty {
            exemplarBuffer.withLock { buffer in buffer.removeFirst(min(batch.exemplars.count, buffer.count)) }
        }
    }

    /// Updates the size gauges from the files.
    func updateSizeGauges() {
        metrics.walSize.record(wal.sizeBytes)
        var total: Int64 = 0
        for suffix in ["", "-wal"] {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: databasePath + suffix),
               let size = attributes[.size] as? NSNumber {
                total += size.int64Value
            }
        }
        metrics.storageSize.record(total)
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
