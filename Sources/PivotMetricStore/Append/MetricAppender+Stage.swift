import Synchronization
import Glibc
import Metrics
import PivotModel
import PivotStorage

extension MetricAppender {
    func append(_ batch: WriteBatch) throws(AppendError) -> AppendResult {
        guard store.isReady else {
            throw AppendError(.storageUnavailable, "the metric store is not ready (\(store.readiness))")
        }
        let marks = (staged.count, samples.count, histograms.count, exemplars.count)
        batches.append(batch)
        var result = AppendResult()
        var created: [(id: SeriesID, labelBytes: [UInt8])] = []
        let failure = stage(batch, batchIndex: Int32(batches.count - 1), result: &result, created: &created)
        // Series created before a failure stay in the head (without data), so they must be indexed.
        store.index.add(created)
        if let failure {
            staged.removeSubrange(marks.0...)
            samples.removeSubrange(marks.1...)
            histograms.removeSubrange(marks.2...)
            exemplars.removeSubrange(marks.3...)
            batches.removeLast()
            // Staging marks on series touched by this batch are stale now: take a new token.
            token = store.newAppenderToken()
            rejectedCounter(failure.code)?.increment()
            throw failure
        }
        for entry in batch.metadata { metadata.append((entry.name, entry.metadata)) }
        if !created.isEmpty { store.metrics.seriesCreated.increment(by: created.count) }
        return result
    }

    private func rejectedCounter(_ code: AppendError.Code) -> Counter? {
        switch code {
        case .outOfOrderSample: store.metrics.samplesRejectedOutOfOrder
        case .duplicateSampleForTimestamp: store.metrics.samplesRejectedDuplicate
        case .invalidHistogram: store.metrics.samplesRejectedHistogram
        default: nil
        }
    }

    /// Resolves, validates and stages every series of the batch, taking each shard's lock once.
    /// Returns the first problem found.
    private func stage(
        _ batch: WriteBatch, batchIndex: Int32, result: inout AppendResult,
        created: inout [(id: SeriesID, labelBytes: [UInt8])]
    ) -> AppendError? {
        let seriesCount = batch.series.count
        guard seriesCount > 0 else { return nil }
        if batch.reportsSeriesRefs { result.seriesRefs = [UInt64](repeating: 0, count: seriesCount) }
        var failure: AppendError?
        var deferred: [Int] = []
        batch.bytes.withUnsafeBytes { arena in
            batch.labelRefs.withUnsafeBufferPointer { refs in
                hashes.removeAll(keepingCapacity: true)
                // Whether any series comes by reference: a batch by labels (remote-write) then takes
                // no extra look at its series below.
                var anyByReference = false
                for series in batch.series {
                    if series.seriesRef != 0 {
                        anyByReference = true
                        // Known by reference: only the shard matters, so the "hash" is the shard's top bits.
                        guard let id = store.seriesID(ofRef: series.seriesRef) else {
                            failure = Self.unknownReference(series.seriesRef)
                            return
                        }
                        hashes.append(UInt64(HeadShard.shard(of: id)) << UInt64(64 - HeadShard.shardBits))
                    } else {
                        hashes.append(LabelHasher.hash(arena: arena, refs: UnsafeBufferPointer(rebasing: refs[series.labels])))
                    }
                }
                // Counting sort of the series by shard.
                var starts = [Int](repeating: 0, count: HeadShard.shardCount + 1)
                for hash in hashes { starts[HeadShard.shard(ofHash: hash) + 1] += 1 }
                for shard in 0..<HeadShard.shardCount { starts[shard + 1] += starts[shard] }
                var next = starts
                order.removeAll(keepingCapacity: true)
                order.append(contentsOf: repeatElement(0, count: seriesCount))
                for (index, hash) in hashes.enumerated() {
                    let shard = HeadShard.shard(ofHash: hash)
                    order[next[shard]] = Int32(index)
                    next[shard] += 1
                }
                for shardIndex in 0..<HeadShard.shardCount where starts[shardIndex] < starts[shardIndex + 1] {
                    store.head.shards[shardIndex].state.withLock { state in
                        if epochs[shardIndex] == nil { epochs[shardIndex] = state.removalEpoch }
                        let begin = starts[shardIndex]
                        let end = starts[shardIndex + 1]
                        // Look the candidates up in passes of independent loads, so the cache misses of
                        // many series overlap instead of following one another.
                        candidates.removeAll(keepingCapacity: true)
                        var touch = 0
                        for position in begin..<end {
                            let index = Int(order[position])
                            if anyByReference, case let seriesRef = batch.series[index].seriesRef, seriesRef != 0 {
                                candidates.append(state.series(SeriesID(truncatingIfNeeded: seriesRef)).map(Unmanaged.passUnretained))
                            } else {
                                candidates.append(state.table.first(hashes[index]))
                            }
                        }
                        for candidate in candidates {
                            if let candidate {
                                touch &+= candidate._withUnsafeGuaranteedRef { $0.labelBytes.count &+ $0.head.count }
                            }
                        }
                        cacheTouch &+= touch
                        for position in begin..<end {
                            let index = Int(order[position])
                            let batchSeries = batch.series[index]
                            if batchSeries.seriesRef != 0 {
                                guard let series = candidates[position - begin] else {
                                    failure = Self.unknownReference(batchSeries.seriesRef)
                                    return
                                }
                                if batch.reportsSeriesRefs { result.seriesRefs[index] = batchSeries.seriesRef }
                                // The shard lock keeps the series alive: no reference counting for it here.
                                if let problem = series._withUnsafeGuaranteedRef({
                                    stageData(of: $0, batch: batch, batchIndex: batchIndex, seriesIndex: index, result: &result)
                                }) {
                                    failure = problem
                                    return
                                }
                                continue
                            }
                            let seriesRefs = UnsafeBufferPointer(rebasing: refs[batchSeries.labels])
                            var found = candidates[position - begin]?.takeUnretainedValue()
                            if let candidate = found, candidate.labelBytes.withUnsafeBytes({
                                LabelSetEncoding.matches($0, arena: arena, refs: seriesRefs)
                            }) {
                                // The common case: the first entry with the hash is the series.
                            } else {
                                // A hash collision, or a series created by an earlier entry of this batch.
                                found = state.lookup(hash: hashes[index], arena: arena, refs: seriesRefs)
                            }
                            if found == nil {
                                guard LabelChecks.isSortedAndNamed(arena: arena, refs: seriesRefs) else {
                                    deferred.append(index)
                                    continue
                                }
                                var labelBytes: [UInt8] = []
                                LabelSetEncoding.encode(arena: arena, refs: seriesRefs, into: &labelBytes)
                                guard !labelBytes.isEmpty else {
                                    failure = AppendError(.invalidLabels, "a series has no labels (every label value is empty)")
                                    return
                                }
                                guard let series = state.create(hash: hashes[index], labelBytes: labelBytes, shard: shardIndex) else {
                                    failure = state.createFailure
                                    return
                                }
                                created.append((series.id, labelBytes))
                                result.seriesCreated += 1
                                found = series
                            }
                            if batch.reportsSeriesRefs { result.seriesRefs[index] = store.seriesRef(of: found!.id) }
                            if let problem = stageData(
                                of: found!, batch: batch, batchIndex: batchIndex, seriesIndex: index, result: &result)
                            {
                                failure = problem
                                return
                            }
                        }
                    }
                    if failure != nil { return }
                }
            }
        }
        if failure != nil { return failure }
        for index in deferred {
            if let problem = stageCanonicalizing(
                batch: batch, batchIndex: batchIndex, seriesIndex: index, result: &result, created: &created)
            {
                return problem
            }
        }
        return nil
    }

    /// The slow path for labels that are not sorted (or have empty or repeated names): builds the
    /// sorted label set, refusing repeated and empty names.
    private func stageCanonicalizing(
        batch: WriteBatch, batchIndex: Int32, seriesIndex: Int, result: inout AppendResult,
        created: inout [(id: SeriesID, labelBytes: [UInt8])]
    ) -> AppendError? {
        let raw = batch.labels(of: batch.series[seriesIndex]).elements
        let labels = raw.filter { !$0.value.isEmpty }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        if labels.contains(where: { $0.name.isEmpty }) {
            return AppendError(.invalidLabels, "series \(Labels(sorted: labels)) has a label with an empty name")
        }
        for index in labels.indices.dropFirst() where labels[index].name.utf8.elementsEqual(labels[index - 1].name.utf8) {
            return AppendError(
                .invalidLabels, "series \(Labels(sorted: labels)) has the label name \"\(labels[index].name)\" more than once")
        }
        if labels.isEmpty { return AppendError(.invalidLabels, "a series has no labels (every label value is empty)") }
        let labelBytes = LabelSetEncoding.encode(Labels(sorted: labels))
        let hash = LabelHasher.hash(encoded: labelBytes)
        let shardIndex = HeadShard.shard(ofHash: hash)
        var failure: AppendError?
        store.head.shards[shardIndex].state.withLock { state in
            if epochs[shardIndex] == nil { epochs[shardIndex] = state.removalEpoch }
            var found = state.lookup(hash: hash, labelBytes: labelBytes)
            if found == nil {
                guard let series = state.create(hash: hash, labelBytes: labelBytes, shard: shardIndex) else {
                    failure = state.createFailure
                    return
                }
                created.append((series.id, labelBytes))
                result.seriesCreated += 1
                found = series
            }
            if batch.reportsSeriesRefs { result.seriesRefs[seriesIndex] = store.seriesRef(of: found!.id) }
            failure = stageData(of: found!, batch: batch, batchIndex: batchIndex, seriesIndex: seriesIndex, result: &result)
        }
        return failure
    }

    /// Validates and stages one batch series' samples, histograms and exemplars. Runs under the
    /// series' shard lock.
    private func stageData(
        of series: MemSeries, batch: WriteBatch, batchIndex: Int32, seriesIndex: Int, result: inout AppendResult
    ) -> AppendError? {
        let batchSeries = batch.series[seriesIndex]
        let window = store.options.outOfOrderTimeWindow
        let sampleStart = samples.count
        if !batchSeries.samples.isEmpty {
            var reference: Int64
            var referenceBits: UInt64
            if series.stagedToken == token && series.stagedMaxTime >= series.maxTime {
                reference = series.stagedMaxTime
                referenceBits = series.stagedValueBits
            } else {
                reference = series.maxTime
                referenceBits = series.lastValueBits
            }
            var advanced = false
            for sampleIndex in batchSeries.samples {
                let sample = batch.samples[sampleIndex]
                let time = sample.timestamp
                let bits = sample.value.bitPattern
                if time > reference {
                    samples.append(sample)
                    reference = time
                    referenceBits = bits
                    advanced = true
                } else if time == reference {
                    guard bits == referenceBits else { return duplicateError(series, time) }
                } else if let existing = series.valueBits(at: time) {
                    guard existing == bits else { return duplicateError(series, time) }
                } else if window > 0 && time >= reference &- window {
                    samples.append(sample)
                } else {
                    return outOfOrderError(series, time, newest: reference)
                }
            }
            result.samplesWritten += batchSeries.samples.count
            if advanced {
                series.stagedToken = token
                series.stagedMaxTime = reference
                series.stagedValueBits = referenceBits
            }
        }
        let histogramStart = histograms.count
        if !batchSeries.histograms.isEmpty {
            var newest = series.extras?.lastHistogram
            for histogramIndex in batchSeries.histograms {
                let histogram = batch.histograms[histogramIndex]
                if let problem = histogram.validationProblem {
                    return AppendError(
                        .invalidHistogram,
                        "invalid native histogram for series \(labelsDescription(series)) at timestamp \(histogram.timestamp): \(problem)")
                }
                let reference = newest?.timestamp ?? .min
                if histogram.timestamp > reference {
                    histograms.append(histogram)
                    newest = histogram
                } else if histogram.timestamp == reference {
                    guard let newest, histogram.isIdentical(to: newest) else { return duplicateError(series, histogram.timestamp) }
                } else if window > 0 && histogram.timestamp >= reference &- window {
                    histograms.append(histogram)
                } else {
                    return outOfOrderError(series, histogram.timestamp, newest: reference, kind: "native histogram")
                }
            }
            result.histogramsWritten += batchSeries.histograms.count
        }
        let exemplarStart = exemplars.count
        if !batchSeries.exemplars.isEmpty {
            stageExemplars(of: series, batch: batch, batchSeries: batchSeries, result: &result)
        }
        guard samples.count > sampleStart || histograms.count > histogramStart || exemplars.count > exemplarStart else {
            return nil
        }
        staged.append(StagedSeries(
            id: series.id, series: Unmanaged.passUnretained(series), batch: batchIndex, batchSeries: Int32(seriesIndex),
            samples: Int32(sampleStart)..<Int32(samples.count),
            histograms: Int32(histogramStart)..<Int32(histograms.count),
            exemplars: Int32(exemplarStart)..<Int32(exemplars.count),
            labelsToLog: series.isLogged ? nil : series.labelBytes))
        return nil
    }

    static func unknownReference(_ seriesRef: UInt64) -> AppendError {
        AppendError(
            .unknownSeriesReference,
            "series reference \(seriesRef) names no series of this store (removed by retention, or from before a restart)")
    }

    private func stageExemplars(
        of series: MemSeries, batch: WriteBatch, batchSeries: WriteBatch.Series, result: inout AppendResult
    ) {
        let window = store.options.outOfOrderTimeWindow
        var newestTime = series.extras?.lastExemplarTime ?? .min
        var newestFingerprint = series.extras?.lastExemplarFingerprint ?? 0
        batch.bytes.withUnsafeBytes { arena in
            batch.labelRefs.withUnsafeBufferPointer { refs in
                for exemplarIndex in batchSeries.exemplars {
                    let exemplar = batch.exemplars[exemplarIndex]
                    let exemplarRefs = UnsafeBufferPointer(rebasing: refs[exemplar.labels])
                    guard LabelChecks.characterCount(arena: arena, refs: exemplarRefs) <= Exemplar.maxLabelSetLength else {
                        result.exemplarsDropped += 1
                        store.metrics.exemplarsDroppedTooLong.increment()
                        continue
                    }
                    var labelBytes: [UInt8] = []
                    ExemplarLabelEncoding.encode(arena: arena, refs: exemplarRefs, into: &labelBytes)
                    let bits = exemplar.value.bitPattern
                    let fingerprint = labelBytes.withUnsafeBytes {
                        StoredExemplar.fingerprint(valueBits: bits, labels: $0)
                    }
                    if exemplar.timestamp == newestTime && fingerprint == newestFingerprint {
                        result.exemplarsWritten += 1  // identical to the newest: stored once
                        continue
                    }
                    if exemplar.timestamp < newestTime && (window == 0 || exemplar.timestamp < newestTime &- window) {
                        result.exemplarsDropped += 1
                        store.metrics.exemplarsDroppedOutOfOrder.increment()
                        continue
                    }
                    exemplars.append(StoredExemplar(
                        series: series.id, timestamp: exemplar.timestamp, valueBits: bits, labels: labelBytes))
                    result.exemplarsWritten += 1
                    if exemplar.timestamp >= newestTime {
                        newestTime = exemplar.timestamp
                        newestFingerprint = fingerprint
                    }
                }
            }
        }
    }

    private func labelsDescription(_ series: MemSeries) -> String {
        LabelSetEncoding.decode(series.labelBytes)?.description ?? "(unreadable labels)"
    }

    private func duplicateError(_ series: MemSeries, _ time: Int64) -> AppendError {
        AppendError(
            .duplicateSampleForTimestamp,
            "duplicate sample for timestamp for series \(labelsDescription(series)): timestamp \(time) already has a different value")
    }

    private func outOfOrderError(_ series: MemSeries, _ time: Int64, newest: Int64, kind: String = "sample") -> AppendError {
        let window = store.options.outOfOrderTimeWindow
        let windowNote = window > 0 ? " by more than the out-of-order window of \(window)ms" : ""
        let prefix = kind == "sample" ? "out of order sample" : "out of order \(kind)"
        return AppendError(
            .outOfOrderSample,
            "\(prefix) for series \(labelsDescription(series)): timestamp \(time) is older than the newest at \(newest)\(windowNote)")
    }
}

/// Checks on batch labels that need no allocation.
enum LabelChecks {
    /// Whether the labels with non-empty values have non-empty names in strictly ascending byte
    /// order (so the batch order is the canonical order and no name repeats).
    static func isSortedAndNamed(arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>) -> Bool {
        var previous: WriteBatch.ByteRange?
        let base = arena.baseAddress
        for ref in refs where ref.value.length > 0 {
            guard ref.name.length > 0, let base else { return false }
            if let previous {
                let common = Int(min(previous.length, ref.name.length))
                let order = memcmp(base + Int(previous.offset), base + Int(ref.name.offset), common)
                if order > 0 || (order == 0 && previous.length >= ref.name.length) { return false }
            }
            previous = ref.name
        }
        return true
    }

    /// Unicode scalars in the names and values (bytes that do not continue a UTF-8 sequence).
    static func characterCount(arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>) -> Int {
        var count = 0
        for ref in refs {
            for range in [ref.name, ref.value] {
                for byte in UnsafeRawBufferPointer(rebasing: arena[LabelSetEncoding.range(range)]) where byte & 0xC0 != 0x80 {
                    count += 1
                }
            }
        }
        return count
    }
}
