import Synchronization

/// The active-series limit (`MetricStoreOptions.maxActiveSeries`, `--storage.max-active-series`): one
/// count of the series in the head shared by every shard, so the limit is exact across shards. Appenders
/// reserve before creating a series; removal by retention gives the place back.
final class SeriesBudget: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Series counted now.
    var current: Int { count.load(ordering: .relaxed) }

    /// Takes a place for a new series; false when the head already holds `limit` series.
    func reserve() -> Bool {
        var now = count.load(ordering: .relaxed)
        while now < limit {
            let (exchanged, original) = count.compareExchange(expected: now, desired: now + 1, ordering: .relaxed)
            if exchanged { return true }
            now = original
        }
        return false
    }

    /// Counts a series that must exist whatever the limit (recovery, or a series re-created at commit).
    func forceAdd() { count.add(1, ordering: .relaxed) }

    /// Gives a place back (the series was removed, or its creation failed).
    func release() { count.subtract(1, ordering: .relaxed) }
}
