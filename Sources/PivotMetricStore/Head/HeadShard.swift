import PivotModel
import PivotStorage
import Synchronization

/// One lock's worth of the head: the series whose label hash falls in this shard, their hash table,
/// and the slot array their ids index.
final class HeadShard: Sendable {
    /// How many bits of a `SeriesID` name its shard.
    static let shardBits = 4
    static let shardCount = 1 << shardBits
    /// The most slots a shard can hold (ids are 32 bits).
    static let maxSlots = Int(UInt32.max >> UInt32(shardBits))

    let index: Int
    let state: Mutex<HeadShardState>

    init(index: Int, budget: SeriesBudget) {
        self.index = index
        state = Mutex(HeadShardState(budget: budget))
    }

    @inline(__always)
    static func shard(of id: SeriesID) -> Int { Int(id & SeriesID(shardCount - 1)) }

    @inline(__always)
    static func slot(of id: SeriesID) -> Int { Int(id >> SeriesID(shardBits)) }

    @inline(__always)
    static func shard(ofHash hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - shardBits)) }
}

/// Whether creating a series obeys the active-series limit.
enum SeriesLimitPolicy {
    case enforce
    /// For a series admitted earlier that must be re-created (retention removed it in between).
    case ignore
}

/// The data `HeadShard` guards.
struct HeadShardState {
    /// The store-wide active-series count and limit.
    let budget: SeriesBudget
    var table = SeriesHashTable()
    /// Indexed by slot; nil for removed series (slots are not reused while the store runs).
    var slots: [MemSeries?] = []
    var liveCount = 0
    /// Bumped whenever series are removed, so appenders know to re-check what they staged.
    var removalEpoch: UInt64 = 0

    /// The series with these batch labels and `hash`, or nil.
    @inline(__always)
    func lookup(
        hash: UInt64, arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>
    ) -> MemSeries? {
        table.find(hash) { series in
            series.labelBytes.withUnsafeBytes { LabelSetEncoding.matches($0, arena: arena, refs: refs) }
        }
    }

    /// The series with this encoding and `hash`, or nil.
    func lookup(hash: UInt64, labelBytes: [UInt8]) -> MemSeries? {
        table.find(hash) { $0.labelBytes == labelBytes }
    }

    /// Why `create` returned nil: the active-series limit rather than running out of ids.
    var isAtSeriesLimit: Bool { slots.count < HeadShard.maxSlots }

    /// The refusal of a series that `create` could not make.
    var createFailure: AppendError {
        isAtSeriesLimit
            ? AppendError(.limitExceeded, "the store holds its limit of \(budget.limit) active series (--storage.max-active-series); samples of new series are refused until retention removes some or the limit is raised")
            : AppendError(.limitExceeded, "the metric store has no series ids left")
    }

    @inline(__always)
    func series(_ id: SeriesID) -> MemSeries? {
        let slot = HeadShard.slot(of: id)
        return slot < slots.count ? slots[slot] : nil
    }

    /// Creates a series in a new slot, within the active-series limit; nil when the shard has no ids
    /// left or the head holds `budget.limit` series (`isAtSeriesLimit` tells which).
    mutating func create(hash: UInt64, labelBytes: [UInt8], shard: Int, limit: SeriesLimitPolicy = .enforce) -> MemSeries? {
        let slot = slots.count
        guard slot < HeadShard.maxSlots else { return nil }
        switch limit {
        case .enforce: guard budget.reserve() else { return nil }
        case .ignore: budget.forceAdd()
        }
        let id = SeriesID(slot) << SeriesID(HeadShard.shardBits) | SeriesID(shard)
        let series = MemSeries(id: id, hash: hash, labelBytes: labelBytes)
        slots.append(series)
        table.insert(series)
        liveCount += 1
        return series
    }

    /// Places a series with a known id (recovery); replaces one with the same id.
    mutating func restore(_ series: MemSeries) {
        let slot = HeadShard.slot(of: series.id)
        if slot >= slots.count {
            slots.reserveCapacity(slot + 1)
            while slots.count <= slot { slots.append(nil) }
        }
        if let old = slots[slot] {
            table.remove(old)
            liveCount -= 1
            budget.release()
        }
        slots[slot] = series
        table.insert(series)
        liveCount += 1
        budget.forceAdd()
    }

    mutating func remove(_ series: MemSeries) {
        let slot = HeadShard.slot(of: series.id)
        guard slot < slots.count, slots[slot] === series else { return }
        table.remove(series)
        slots[slot] = nil
        liveCount -= 1
        budget.release()
        removalEpoch &+= 1
    }
}
