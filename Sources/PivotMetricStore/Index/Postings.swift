/// Operations on postings: ascending lists of unique series ids.
enum Postings {
    /// Inserts `id` keeping the order (usually at the end).
    @inline(__always)
    static func insert(_ id: SeriesID, into list: inout [SeriesID]) {
        if let last = list.last, last >= id {
            let index = list.partitioningIndex { $0 >= id }
            if index < list.count && list[index] == id { return }
            list.insert(id, at: index)
        } else {
            list.append(id)
        }
    }

    /// Removes every id of `removed` (sorted) from `list`.
    static func remove(_ removed: [SeriesID], from list: inout [SeriesID]) {
        guard !removed.isEmpty, !list.isEmpty else { return }
        list = subtract(list, removed)
    }

    /// The ids in both lists.
    static func intersect(_ a: [SeriesID], _ b: [SeriesID]) -> [SeriesID] {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var result: [SeriesID] = []
        result.reserveCapacity(small.count)
        if small.count * 16 < large.count {
            // Much smaller: binary-search each id in the rest of the larger list.
            var start = 0
            for id in small {
                var low = start
                var high = large.count
                while low < high {
                    let middle = (low + high) / 2
                    if large[middle] < id { low = middle + 1 } else { high = middle }
                }
                if low == large.count { break }
                if large[low] == id { result.append(id) }
                start = low
            }
            return result
        }
        var i = 0
        var j = 0
        while i < small.count && j < large.count {
            let x = small[i]
            let y = large[j]
            if x == y {
                result.append(x)
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }

    /// The ids of `a` not in `b`.
    static func subtract(_ a: [SeriesID], _ b: [SeriesID]) -> [SeriesID] {
        guard !b.isEmpty else { return a }
        var result: [SeriesID] = []
        result.reserveCapacity(a.count)
        var j = 0
        for id in a {
            while j < b.count && b[j] < id { j += 1 }
            if j < b.count && b[j] == id { continue }
            result.append(id)
        }
        return result
    }

    /// The union of disjoint lists (the postings of different values of one label name never share an id).
    static func unionDisjoint(_ lists: [[SeriesID]]) -> [SeriesID] {
        if lists.isEmpty { return [] }
        if lists.count == 1 { return lists[0] }
        var result: [SeriesID] = []
        result.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for list in lists { result.append(contentsOf: list) }
        result.sort()
        return result
    }

    /// The union of lists that may share ids.
    static func union(_ lists: [[SeriesID]]) -> [SeriesID] {
        var result = unionDisjoint(lists)
        if lists.count > 1 { removeAdjacentDuplicates(&result) }
        return result
    }

    static func removeAdjacentDuplicates(_ list: inout [SeriesID]) {
        guard list.count > 1 else { return }
        var write = 1
        for read in 1..<list.count where list[read] != list[write - 1] {
            list[write] = list[read]
            write += 1
        }
        list.removeLast(list.count - write)
    }
}
