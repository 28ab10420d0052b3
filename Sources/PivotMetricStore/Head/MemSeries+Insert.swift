import PivotModel

/// What inserting one sample into the head did.
enum InsertOutcome {
    /// Appended to the open chunk.
    case appended
    /// Older than the open chunk's newest: kept with the out-of-order samples.
    case outOfOrder
    /// The same timestamp and value bits are already there: nothing stored.
    case duplicate
    /// The timestamp is already there with other value bits: the first one stays.
    case conflict
}

extension MemSeries {
    /// Inserts a sample that is durable in the write-ahead log. Never refuses: data older than the
    /// open chunk's newest sample (allowed by the out-of-order window, or reordered by concurrent
    /// commits) goes to the out-of-order samples, so applying and replaying the log keep the same data.
    @discardableResult
    func insert(_ sample: Sample, policy: ChunkPolicy) -> InsertOutcome {
        let time = sample.timestamp
        if time > maxTime {
            if !head.isEmpty && (head.count >= policy.maxSamples || time - head.minTime >= policy.maxDuration) {
                cutHead()
            }
            head.append(sample)
            maxTime = time
            lastValueBits = sample.value.bitPattern
            return .appended
        }
        if time == maxTime {
            return sample.value.bitPattern == lastValueBits ? .duplicate : .conflict
        }
        if let existing = valueBits(at: time) {
            return existing == sample.value.bitPattern ? .duplicate : .conflict
        }
        let extras = ensuredExtras
        let index = extras.outOfOrder.partitioningIndex { $0.timestamp >= time }
        extras.outOfOrder.insert(sample, at: index)
        if extras.outOfOrder.count >= policy.maxSamples { sealOutOfOrder(policy: policy) }
        return .outOfOrder
    }

    /// Moves the open chunk to the pending chunks and starts a new one.
    func cutHead() {
        pending.append(PendingChunk(chunk: head, ownsRow: headOwnsRow))
        head = XORChunk()
        headOwnsRow = false
        headPersistedCount = 0
    }

    /// Turns the out-of-order samples into pending chunks (each within the policy's limits).
    func sealOutOfOrder(policy: ChunkPolicy) {
        guard let extras, !extras.outOfOrder.isEmpty else { return }
        for chunk in ChunkBuilder.chunks(of: extras.outOfOrder, policy: policy) {
            pending.append(PendingChunk(chunk: chunk, ownsRow: false))
        }
        extras.outOfOrder = []
    }

    /// The value bits of the in-memory sample at `time`, or nil. Decodes chunks: not for the hot path.
    func valueBits(at time: Int64) -> UInt64? {
        if let extras, !extras.outOfOrder.isEmpty {
            let index = extras.outOfOrder.partitioningIndex { $0.timestamp >= time }
            if index < extras.outOfOrder.count && extras.outOfOrder[index].timestamp == time {
                return extras.outOfOrder[index].value.bitPattern
            }
        }
        if let bits = Self.valueBits(at: time, in: head) { return bits }
        for chunk in pending {
            if let bits = Self.valueBits(at: time, in: chunk.chunk) { return bits }
        }
        return nil
    }

    private static func valueBits(at time: Int64, in chunk: XORChunk) -> UInt64? {
        guard !chunk.isEmpty, time >= chunk.minTime, time <= chunk.maxTime else { return nil }
        for sample in chunk {
            if sample.timestamp == time { return sample.value.bitPattern }
            if sample.timestamp > time { return nil }
        }
        return nil
    }

    /// Inserts a native histogram that is durable in the write-ahead log (same rules as `insert`).
    @discardableResult
    func insert(_ histogram: HistogramSample) -> InsertOutcome {
        let extras = ensuredExtras
        if let last = extras.lastHistogram, histogram.timestamp <= last.timestamp {
            if histogram.timestamp == last.timestamp { return last.isIdentical(to: histogram) ? .duplicate : .conflict }
            let index = extras.histograms.partitioningIndex { $0.timestamp >= histogram.timestamp }
            if index < extras.histograms.count && extras.histograms[index].timestamp == histogram.timestamp {
                return extras.histograms[index].isIdentical(to: histogram) ? .duplicate : .conflict
            }
            extras.histograms.insert(histogram, at: index)
            return .outOfOrder
        }
        extras.histograms.append(histogram)
        extras.lastHistogram = histogram
        return .appended
    }

    /// Drops in-memory data older than `cutoff` (milliseconds): whole chunks whose newest sample is
    /// older, out-of-order samples and histograms. Returns the number of chunks dropped.
    @discardableResult
    func dropData(olderThan cutoff: Int64) -> Int {
        var dropped = 0
        pending.removeAll { chunk in
            let old = chunk.chunk.maxTime < cutoff
            if old { dropped += 1 }
            return old
        }
        if !head.isEmpty && head.maxTime < cutoff {
            head = XORChunk()
            headOwnsRow = false
            headPersistedCount = 0
            dropped += 1
        }
        if let extras {
            extras.outOfOrder.removeAll { $0.timestamp < cutoff }
            extras.histograms.removeAll { $0.timestamp < cutoff }
        }
        if persistedMaxTime < cutoff {
            persistedMaxTime = .min
            persistedMinTime = .max
        } else if persistedMinTime < cutoff {
            persistedMinTime = cutoff
        }
        if coldMaxTime < cutoff { coldMaxTime = .min }
        return dropped
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate that is false and then
    /// true along the array (binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
