import Synchronization
import Metrics
import Logging

extension MetricStore {
    /// Starts the task that checkpoints (every `checkpointInterval`, or sooner when the write-ahead
    /// log passes `checkpointWALBytes`) and applies retention (every `retentionCheckInterval`).
    func startBackgroundTasks() {
        let task = Task.detached { [weak self] in
            guard let interval = self?.options.checkpointInterval,
                  let retentionInterval = self?.options.retentionCheckInterval
            else { return }
            let tick = min(Duration.seconds(1), interval, retentionInterval)
            var lastCheckpoint = ContinuousClock.now
            var lastRetention = ContinuousClock.now
            var lastChunkCount = ContinuousClock.now - MetricStore.chunkGaugeInterval
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard let self, !Task.isCancelled else { return }
                let now = ContinuousClock.now
                if now - lastCheckpoint >= interval || self.wal.sizeBytes >= self.options.checkpointWALBytes {
                    lastCheckpoint = now
                    await self.runMaintenance("checkpoint") { () async throws(MetricStoreError) in try await self.checkpointLocked() }
                }
                if now - lastRetention >= retentionInterval {
                    lastRetention = now
                    let wallClock = MetricStore.nowMilliseconds()
                    await self.runMaintenance("retention") { () async throws(MetricStoreError) in
                        try await self.applyRetentionLocked(now: wallClock)
                    }
                }
                self.updateSizeGauges()
                self.metrics.headSeries.record(self.head.seriesCount)
                if now - lastChunkCount >= MetricStore.chunkGaugeInterval {
                    lastChunkCount = now
                    self.updateChunkGauge()
                }
            }
        }
        background.withLock { $0.append(task) }
    }

    /// How often `pivot_head_chunks` is counted: counting visits every series (and evicts the caches
    /// a query had warmed), so it is not done every second as the other gauges are. A scrape interval.
    static let chunkGaugeInterval: Duration = .seconds(15)

    /// Counts the head's chunks into `pivot_head_chunks` (`pivot_head_series` comes from the shards'
    /// counts every second).
    func updateChunkGauge() {
        var chunks = 0
        head.forEachSeries { entry in chunks += entry.memoryChunkCount }
        metrics.headChunks.record(chunks)
    }

    private func runMaintenance(_ name: String, _ body: () async throws(MetricStoreError) -> Void) async {
        await maintenance.lock()
        defer { maintenance.unlock() }
        guard readiness == .ready else { return }
        do {
            try await body()
        } catch {
            logger.error("\(name) failed", metadata: ["error": "\(error)"])
        }
    }
}
