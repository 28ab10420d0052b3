import Synchronization
import Metrics
import PivotModel
import PivotStorage

extension MetricAppender {
    func commit() async throws(AppendError) {
        defer { reset() }
        guard !isEmpty else { return }
        guard store.isReady else {
            throw AppendError(.storageUnavailable, "the metric store is not ready (\(store.readiness))")
        }
        await store.gate.enterShared()
        if let failure = resolveRemovedSeries() {
            store.gate.leaveShared()
            throw failure
        }
        let records = encodeRecords()
        do {
            try await store.wal.append(records)
        } catch {
            store.gate.leaveShared()
            store.metrics.walAppendFailures.increment()
            throw AppendError(.storageUnavailable, "cannot write the write-ahead log: \(error.message)")
        }
        apply()
        store.gate.leaveShared()
    }

    /// Series staged here may have been removed by retention since (they had no data left). Those
    /// are looked up again by their labels, or created again, before anything is logged. A series
    /// sent by reference has no labels in its batch: the commit is refused with
    /// `unknownSeriesReference`, as the append would have been, and the sender goes by labels.
    private func resolveRemovedSeries() -> AppendError? {
        var created: [(id: SeriesID, labelBytes: [UInt8])] = []
        var failure: AppendError?
        for shardIndex in 0..<HeadShard.shardCount {
            guard let epoch = epochs[shardIndex] else { continue }
            store.head.shards[shardIndex].state.withLock { state in
                guard state.removalEpoch != epoch else { return }
                for position in staged.indices where HeadShard.shard(of: staged[position].id) == shardIndex {
                    guard state.series(staged[position].id) == nil else { continue }
                    let entry = staged[position]
                    let batch = batches[Int(entry.batch)]
                    let batchSeries = batch.series[Int(entry.batchSeries)]
                    if batchSeries.seriesRef != 0 {
                        failure = Self.unknownReference(batchSeries.seriesRef)
                        continue
                    }
                    let labelBytes = LabelSetEncoding.encode(Labels(batch.labels(of: batchSeries).elements))
                    let hash = LabelHasher.hash(encoded: labelBytes)
                    guard HeadShard.shard(ofHash: hash) == shardIndex else { continue }
                    var series = state.lookup(hash: hash, labelBytes: labelBytes)
                    if series == nil {
                        // Re-created because retention removed it meanwhile: it was admitted at staging.
                        series = state.create(hash: hash, labelBytes: labelBytes, shard: shardIndex, limit: .ignore)
                        if let series { created.append((series.id, labelBytes)) }
                    }
                    guard let series else { continue }
                    staged[position].id = series.id
                    staged[position].series = Unmanaged.passUnretained(series)
                    staged[position].labelsToLog = series.isLogged ? nil : labelBytes
                    for index in entry.exemplars { exemplars[Int(index)].series = series.id }
                }
            }
        }
        store.index.add(created)
        return failure
    }

    /// The write-ahead log records of everything staged: new series first.
    private func encodeRecords() -> WALBatch {
        var batch = WALBatch(reservingCapacity: samples.count * 14 + staged.count * 8 + exemplars.count * 100 + 64)
        var logged = Set<SeriesID>()
        var newSeries: [(id: SeriesID, labels: [UInt8])] = []
        for entry in staged {
            if let labels = entry.labelsToLog, logged.insert(entry.id).inserted { newSeries.append((entry.id, labels)) }
        }
        if !newSeries.isEmpty {
            batch.appendRecord { out in WALRecordEncoder.series(newSeries, into: &out) }
        }
        if !samples.isEmpty {
            let base = samples[0].timestamp
            let runs = staged.reduce(0) { $0 + ($1.samples.isEmpty ? 0 : 1) }
            batch.appendRecord { out in
                WALRecordEncoder.samplesHeader(base: base, seriesCount: runs, into: &out)
                samples.withUnsafeBufferPointer { all in
                    for entry in staged where !entry.samples.isEmpty {
                        WALRecordEncoder.sampleRun(
                            id: entry.id, base: base,
                            samples: UnsafeBufferPointer(rebasing: all[Int(entry.samples.lowerBound)..<Int(entry.samples.upperBound)]),
                            into: &out)
                    }
                }
            }
        }
        if !histograms.isEmpty {
            var entries: [(id: SeriesID, histogram: HistogramSample)] = []
            for entry in staged {
                for index in entry.histograms { entries.append((entry.id, histograms[Int(index)])) }
            }
            batch.appendRecord { out in WALRecordEncoder.histograms(entries, into: &out) }
        }
        if !exemplars.isEmpty {
            batch.appendRecord { out in WALRecordEncoder.exemplars(exemplars, into: &out) }
        }
        if !metadata.isEmpty {
            batch.appendRecord { out in WALRecordEncoder.metadata(metadata, into: &out) }
        }
        return batch
    }

    static let prefetchHeaderDistance = 8
    static let prefetchEndDistance = 4

    /// Prefetches the open chunk's byte buffer of `series` (see `XORChunk.prefetchForAppend`).
    @inline(__always)
    static func prefetchChunk(of series: Unmanaged<MemSeries>, end: Bool) {
        series._withUnsafeGuaranteedRef { series in series.head.prefetchForAppend(end: end) }
    }

    /// Puts the logged data into the head, one lock per run of series in the same shard.
    private func apply() {
        let policy = store.options.chunks
        var start = 0
        while start < staged.count {
            let shardIndex = HeadShard.shard(of: staged[start].id)
            var end = start + 1
            while end < staged.count && HeadShard.shard(of: staged[end].id) == shardIndex { end += 1 }
            // Through buffer pointers and an unretained series: no reference counting per entry or sample.
            staged.withUnsafeBufferPointer { staged in
                samples.withUnsafeBufferPointer { samples in
                    store.head.shards[shardIndex].state.withLock { state in
                        _ = state
                        for position in start..<end {
                            // The open chunk's buffer is this loop's cache miss: start loading it for
                            // the entries a few places ahead (its header first, then its end).
                            if position + Self.prefetchHeaderDistance < end {
                                Self.prefetchChunk(of: staged[position + Self.prefetchHeaderDistance].series, end: false)
                            }
                            if position + Self.prefetchEndDistance < end {
                                Self.prefetchChunk(of: staged[position + Self.prefetchEndDistance].series, end: true)
                            }
                            let sampleRange = staged[position].samples
                            let histogramRange = staged[position].histograms
                            let exemplarRange = staged[position].exemplars
                            staged[position].series._withUnsafeGuaranteedRef { series in
                                series.isLogged = true
                                for index in sampleRange { series.insert(samples[Int(index)], policy: policy) }
                                for index in histogramRange { series.insert(histograms[Int(index)]) }
                                for index in exemplarRange { series.noteExemplar(exemplars[Int(index)]) }
                            }
                        }
                    }
                }
            }
            start = end
        }
        if !exemplars.isEmpty {
            store.exemplarBuffer.withLock { $0.append(contentsOf: exemplars) }
        }
        if !metadata.isEmpty {
            store.metadataState.withLock { state in
                for entry in metadata {
                    state.byMetric[entry.metric] = entry.metadata
                    state.dirty.insert(entry.metric)
                }
            }
        }
        let metrics = store.metrics
        if !samples.isEmpty { metrics.samplesAppended.increment(by: samples.count) }
        if !histograms.isEmpty { metrics.histogramsAppended.increment(by: histograms.count) }
        if !exemplars.isEmpty { metrics.exemplarsAppended.increment(by: exemplars.count) }
    }
}
