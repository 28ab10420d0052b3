import Synchronization
import PivotModel

/// The in-memory part of the store: every series, sharded by label hash so that concurrent appenders
/// mostly take different locks.
final class Head: Sendable {
    let shards: [HeadShard]
    /// The active-series count and its limit, shared by the shards.
    let budget: SeriesBudget

    init(maxSeries: Int = .max) {
        let budget = SeriesBudget(limit: maxSeries)
        self.budget = budget
        shards = (0..<HeadShard.shardCount).map { HeadShard(index: $0, budget: budget) }
    }

    @inline(__always)
    func shard(of id: SeriesID) -> HeadShard { shards[HeadShard.shard(of: id)] }

    /// Calls `body` under each shard's lock with the series among `ids` that exist, grouped by shard:
    /// a lock is taken once per `lockBatch` series, so a large select (whose `body` decodes chunks)
    /// holds up a shard's appenders for a bounded time.
    func forEachSeries(_ ids: [SeriesID], _ body: (MemSeries) -> Void) {
        var byShard = [[SeriesID]](repeating: [], count: HeadShard.shardCount)
        for id in ids { byShard[HeadShard.shard(of: id)].append(id) }
        for (index, shardIDs) in byShard.enumerated() where !shardIDs.isEmpty {
            var start = 0
            while start < shardIDs.count {
                let end = min(start + Self.lockBatch, shardIDs.count)
                shards[index].state.withLock { state in
                    for id in shardIDs[start..<end] {
                        if let series = state.series(id) { body(series) }
                    }
                }
                start = end
            }
        }
    }

    /// Series visited per lock acquisition in `forEachSeries(_:_:)`: decoding a typical chunk takes
    /// about a microsecond, so a shard's lock is held for a few hundred microseconds at most.
    static let lockBatch = 256

    /// Calls `body` under each shard's lock with every series.
    func forEachSeries(_ body: (MemSeries) -> Void) {
        for shard in shards {
            shard.state.withLock { state in
                for case let series? in state.slots { body(series) }
            }
        }
    }

    /// Number of series.
    var seriesCount: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.liveCount } }
    }
}
