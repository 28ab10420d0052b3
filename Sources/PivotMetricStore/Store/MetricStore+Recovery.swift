import Synchronization
import Metrics
import Logging
import PivotModel
import PivotSQLite

extension MetricStore {
    /// Loads series, the newest persisted chunk of each (it becomes the open chunk again when not
    /// full) and metadata from SQLite, then replays the write-ahead log on top. Runs before anything
    /// else touches the store.
    func recover() throws(MetricStoreError) {
        let started = ContinuousClock.now
        let database = worker.database
        var indexEntries: [(id: SeriesID, labelBytes: [UInt8])] = []
        do {
            let storedSpan = try database.fact(MetricSchema.maxChunkSpanKey) ?? 0
            let span = max(storedSpan, options.chunks.maxDuration)
            if span != storedSpan { try database.setFact(MetricSchema.maxChunkSpanKey, span) }
            maxChunkSpan.store(span, ordering: .relaxed)

            var loaded: [MemSeries] = []
            let damaged = try database.loadSeries { id, labelBytes in
                let series = MemSeries(id: id, hash: LabelHasher.hash(encoded: labelBytes), labelBytes: labelBytes)
                series.isLogged = true
                series.isPersisted = true
                loaded.append(series)
            }
            if !damaged.isEmpty {
                // Their data cannot be named, and their ids must not pass to new series with it.
                logger.error("series rows whose labels do not decode were removed with their data", metadata: [
                    "series": "\(damaged.count)", "ids": "\(damaged.prefix(10))",
                ])
                try database.applyRetention(cutoff: .min, removedSeries: damaged)
            }
            for series in loaded {
                let state = try database.persistedState(of: series.id, maxChunkSpan: span)
                restorePersistedState(state, into: series)
                indexEntries.append((series.id, series.labelBytes))
                head.shard(of: series.id).state.withLock { $0.restore(series) }
            }
            let metadata = try database.loadMetadata()
            metadataState.withLock { state in
                for entry in metadata { state.byMetric[entry.metric] = entry.metadata }
            }
        } catch {
            throw MetricStoreError(.recoveryFailed, "cannot load \(databasePath): \(error)")
        }
        let loadedSeries = indexEntries.count
        logger.info("loaded the metric database", metadata: [
            "series": "\(loadedSeries)", "elapsed": "\(ContinuousClock.now - started)",
        ])

        var replay = ReplayState()
        let report: WALReplayReport
        do {
            report = try wal.replay { payload in
                self.replayRecord(payload, state: &replay)
            }
        } catch {
            throw MetricStoreError(.recoveryFailed, "cannot replay the write-ahead log: \(error)")
        }
        indexEntries.append(contentsOf: replay.createdSeries)
        if !replay.replacedSeries.isEmpty {
            indexEntries.removeAll { replay.replacedSeries.contains($0.id) }
            do {
                try database.applyRetention(cutoff: .min, removedSeries: Array(replay.replacedSeries))
            } catch {
                throw MetricStoreError(.recoveryFailed, "cannot delete replaced series from \(databasePath): \(error)")
            }
        }
        index.add(indexEntries)

        let elapsed = ContinuousClock.now - started
        metrics.walReplayRecords.record(report.records)
        metrics.walReplayDuration.record(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        metrics.walReplayTruncatedBytes.record(report.truncatedBytes)
        metrics.headSeries.record(head.seriesCount)
        if let message = report.message {
            logger.warning("the write-ahead log had a damaged tail; it was cut off", metadata: [
                "detail": "\(message)", "truncatedBytes": "\(report.truncatedBytes)",
            ])
        }
        if replay.undecodable > 0 || replay.unknownSeries > 0 {
            logger.warning("write-ahead log records skipped during replay", metadata: [
                "undecodable": "\(replay.undecodable)", "unknownSeriesSamples": "\(replay.unknownSeries)",
                "firstProblem": "\(replay.firstProblem ?? "")",
            ])
        }
        logger.info("metric store recovered", metadata: [
            "series": "\(head.seriesCount)", "walRecords": "\(report.records)",
            "walSegments": "\(report.segments)", "samplesReplayed": "\(replay.samples)",
            "elapsed": "\(elapsed)",
        ])
    }

    private func restorePersistedState(_ state: MetricDatabase.PersistedSeriesState, into series: MemSeries) {
        series.persistedMinTime = state.minTime
        series.persistedMaxTime = state.maxTime
        series.coldMaxTime = state.coldMaxTime
        if let chunk = state.lastChunk, let last = chunk.lastSample {
            series.maxTime = max(last.timestamp, series.maxTime)
            series.lastValueBits = last.value.bitPattern
            let policy = options.chunks
            if chunk.count < policy.maxSamples && chunk.maxTime - chunk.minTime < policy.maxDuration {
                series.head = chunk.appendable
                series.headOwnsRow = true
                series.headPersistedCount = chunk.count
            } else {
                series.coldMaxTime = max(series.coldMaxTime, chunk.maxTime)
            }
        }
        // The newest chunk by start may not be the newest by end (merged out-of-order data).
        series.maxTime = max(series.maxTime, state.chunkMaxTime)
        if let histogram = state.lastHistogram {
            series.ensuredExtras.lastHistogram = histogram
        }
    }

    struct ReplayState {
        var createdSeries: [(id: SeriesID, labelBytes: [UInt8])] = []
        /// Series dropped because a later series record reused their labels.
        var replacedSeries = Set<SeriesID>()
        var samples = 0
        var undecodable = 0
        var unknownSeries = 0
        var firstProblem: String?
    }

    /// Applies one write-ahead log record to the head. Damaged records are counted and skipped.
    private func replayRecord(_ payload: UnsafeRawBufferPointer, state: inout ReplayState) {
        let record: WALRecord
        do {
            record = try WALRecord.decode(payload)
        } catch {
            state.undecodable += 1
            if state.firstProblem == nil { state.firstProblem = error.description }
            return
        }
        let policy = options.chunks
        switch record {
        case .series(let entries):
            for entry in entries {
                let hash = LabelHasher.hash(encoded: entry.labels)
                let (created, replaced): (Bool, SeriesID?) = head.shard(of: entry.id).state.withLock { shard in
                    if let existing = shard.series(entry.id), existing.labelBytes == entry.labels {
                        existing.isLogged = true
                        return (false, nil)
                    }
                    // The same labels under another id: retention removed that series before this one
                    // was created, so the older one goes (its data was past retention).
                    var replaced: SeriesID?
                    if let older = shard.lookup(hash: hash, labelBytes: entry.labels), older.id != entry.id {
                        shard.remove(older)
                        replaced = older.id
                    }
                    let series = MemSeries(id: entry.id, hash: hash, labelBytes: entry.labels)
                    series.isLogged = true
                    shard.restore(series)
                    return (true, replaced)
                }
                if created { state.createdSeries.append((entry.id, entry.labels)) }
                if let replaced { state.replacedSeries.insert(replaced) }
            }
        case .samples(let runs):
            var start = 0
            for (index, id) in runs.ids.enumerated() {
                let end = runs.ends[index]
                let found: Bool = head.shard(of: id).state.withLock { shard in
                    guard let series = shard.series(id) else { return false }
                    for sample in runs.samples[start..<end] { series.insert(sample, policy: policy) }
                    return true
                }
                if found { state.samples += end - start } else { state.unknownSeries += end - start }
                start = end
            }
        case .histograms(let entries):
            for entry in entries {
                let found: Bool = head.shard(of: entry.id).state.withLock { shard in
                    guard let series = shard.series(entry.id) else { return false }
                    series.insert(entry.histogram)
                    return true
                }
                if !found { state.unknownSeries += 1 }
            }
        case .exemplars(let entries):
            for entry in entries {
                head.shard(of: entry.series).state.withLock { shard in
                    guard let series = shard.series(entry.series) else { return }
                    series.noteExemplar(entry)
                }
            }
            exemplarBuffer.withLock { $0.append(contentsOf: entries) }
        case .metadata(let entries):
            metadataState.withLock { metadata in
                for entry in entries {
                    metadata.byMetric[entry.metric] = entry.metadata
                    metadata.dirty.insert(entry.metric)
                }
            }
        }
    }
}

extension MemSeries {
    /// Remembers a committed exemplar as the newest when it is.
    func noteExemplar(_ exemplar: StoredExemplar) {
        let extras = ensuredExtras
        guard exemplar.timestamp >= extras.lastExemplarTime else { return }
        extras.lastExemplarTime = exemplar.timestamp
        extras.lastExemplarFingerprint = exemplar.labels.withUnsafeBytes {
            StoredExemplar.fingerprint(valueBits: exemplar.valueBits, labels: $0)
        }
    }
}
