/// An open-addressing hash table from a label-set hash to the series with that hash, with linear
/// probing. Two label sets with the same 64-bit hash both live in the table; the caller tells them
/// apart by comparing label bytes (`find`'s `matches`).
///
/// Entries hold unretained references: the shard's slot array owns the series, and a series leaves
/// the table before it leaves the slots. Hash and reference sit side by side, so a probe costs one
/// cache line. Hashes 0 and 1 mark empty and deleted entries; `LabelHasher.value` never produces
/// them. The table grows at half full (counting deleted entries) so probes stay short.
struct SeriesHashTable: @unchecked Sendable {
    private static let empty: UInt64 = 0
    private static let deleted: UInt64 = 1

    private struct Entry {
        var hash: UInt64
        var series: Unmanaged<MemSeries>?
    }

    private var entries: [Entry]
    private var mask: Int
    private(set) var count = 0
    private var deletedCount = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = Array(repeating: Entry(hash: Self.empty, series: nil), count: size)
        mask = size - 1
    }

    /// Bytes held, for memory accounting.
    var memoryBytes: Int { entries.capacity * MemoryLayout<Entry>.stride }

    /// The entry with `hash` for which `matches` is true, or nil.
    @inline(__always)
    func find(_ hash: UInt64, matches: (MemSeries) -> Bool) -> MemSeries? {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = entries[index]
            if entry.hash == Self.empty { return nil }
            if entry.hash == hash, let series = entry.series?.takeUnretainedValue(), matches(series) { return series }
            index = (index + 1) & mask
        }
    }

    /// The first series with `hash`, not confirmed by labels. Cheap to call for many hashes in a row,
    /// so the memory loads overlap.
    @inline(__always)
    func first(_ hash: UInt64) -> Unmanaged<MemSeries>? {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = entries[index]
            if entry.hash == hash { return entry.series }
            if entry.hash == Self.empty { return nil }
            index = (index + 1) & mask
        }
    }

    mutating func insert(_ series: MemSeries) {
        if (count + deletedCount + 1) * 2 > entries.count { rehash(growing: count * 4 > entries.count) }
        var index = Int(truncatingIfNeeded: series.hash) & mask
        while entries[index].hash > Self.deleted { index = (index + 1) & mask }
        if entries[index].hash == Self.deleted { deletedCount -= 1 }
        entries[index] = Entry(hash: series.hash, series: Unmanaged.passUnretained(series))
        count += 1
    }

    /// Removes the entry of `series`; returns whether it was there.
    @discardableResult
    mutating func remove(_ series: MemSeries) -> Bool {
        var index = Int(truncatingIfNeeded: series.hash) & mask
        while true {
            let entry = entries[index]
            if entry.hash == Self.empty { return false }
            if entry.hash == series.hash && entry.series?.toOpaque() == Unmanaged.passUnretained(series).toOpaque() {
                entries[index] = Entry(hash: Self.deleted, series: nil)
                count -= 1
                deletedCount += 1
                return true
            }
            index = (index + 1) & mask
        }
    }

    private mutating func rehash(growing: Bool) {
        let old = entries
        let size = growing ? entries.count * 2 : entries.count
        entries = Array(repeating: Entry(hash: Self.empty, series: nil), count: size)
        mask = size - 1
        count = 0
        deletedCount = 0
        for entry in old where entry.hash > Self.deleted {
            var target = Int(truncatingIfNeeded: entry.hash) & mask
            while entries[target].hash != Self.empty { target = (target + 1) & mask }
            entries[target] = entry
            count += 1
        }
    }
}
