import Synchronization
import Metrics
import PivotModel
import PivotStorage

/// The metric store's `Appender`: validates batches against the head and stages them; `commit`
/// writes them to the write-ahead log and then applies them to the head. Not shared between tasks.
///
/// Validation per series, under its shard's lock: a sample newer than the series' newest is
/// accepted; one with the newest timestamp and the same value bits is an exact duplicate (accepted,
/// counted as written, stored once); the same timestamp with other bits is refused
/// (`duplicateSampleForTimestamp`); an older one is refused (`outOfOrderSample`) unless it is within
/// the out-of-order window or an exact duplicate of a sample still in memory. Native histograms
/// follow the same rules and must be well formed. Exemplars never fail a batch: invalid ones (label
/// set longer than 128 characters) and ones older than the series' newest exemplar are dropped and
/// counted; an exemplar identical to the newest is accepted and stored once.
final class MetricAppender: Appender {
    let store: MetricStore
    /// Marks series this appender staged (`MemSeries.stagedToken`).
    var token: UInt32

    var batches: [WriteBatch] = []
    var staged: [StagedSeries] = []
    var samples: [Sample] = []
    var histograms: [HistogramSample] = []
    var exemplars: [StoredExemplar] = []
    var metadata: [(metric: String, metadata: MetricMetadata)] = []
    /// Each shard's removal epoch when this appender first staged a series there.
    var epochs = [UInt64?](repeating: nil, count: HeadShard.shardCount)

    // Scratch space reused across batches.
    var hashes: [UInt64] = []
    var order: [Int32] = []
    var candidates: [Unmanaged<MemSeries>?] = []
    /// Keeps the loads that warm the cache from being optimized away.
    var cacheTouch = 0

    init(store: MetricStore) {
        self.store = store
        token = store.newAppenderToken()
    }

    func rollback() {
        reset()
    }

    /// Forgets everything staged and takes a new token.
    func reset() {
        batches.removeAll(keepingCapacity: true)
        staged.removeAll(keepingCapacity: true)
        samples.removeAll(keepingCapacity: true)
        histograms.removeAll(keepingCapacity: true)
        exemplars.removeAll(keepingCapacity: true)
        metadata.removeAll()
        for index in epochs.indices { epochs[index] = nil }
        token = store.newAppenderToken()
    }

    var isEmpty: Bool { staged.isEmpty && metadata.isEmpty }
}

extension MetricStore: Appendable {
    public func appender() -> any Appender {
        MetricAppender(store: self)
    }

    func newAppenderToken() -> UInt32 {
        var token = nextAppenderToken.wrappingAdd(1, ordering: .relaxed).newValue
        if token == 0 { token = nextAppenderToken.wrappingAdd(1, ordering: .relaxed).newValue }
        return token
    }
}
