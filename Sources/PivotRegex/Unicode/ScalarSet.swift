/// A set of Unicode code points held as sorted, disjoint, non-adjacent inclusive ranges.
///
/// Values are `UInt32` code points in `0...0x10FFFF`; surrogates may appear inside ranges (they
/// never occur in a Swift `String`, so they are harmless).
struct ScalarSet: Hashable, Sendable {
    static let maxScalar: UInt32 = 0x10FFFF

    /// Sorted by `lowerBound`; no two ranges overlap or touch.
    private(set) var ranges: [ClosedRange<UInt32>]

    init() { ranges = [] }

    init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = ranges
        normalize()
    }

    static let all = ScalarSet([0...maxScalar])
    static let allButNewline = ScalarSet([0...9, 11...maxScalar])

    var isEmpty: Bool { ranges.isEmpty }

    /// Number of code points in the set.
    var count: Int { ranges.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 } }

    /// The only member, when the set has exactly one.
    var singleScalar: UInt32? {
        ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound ? ranges[0].lowerBound : nil
    }

    mutating func insert(_ scalar: UInt32) { insert(scalar...scalar) }

    /// Adds a range; cheap when ranges arrive in ascending order (the common case).
    mutating func insert(_ range: ClosedRange<UInt32>) {
        if let last = ranges.last {
            if range.lowerBound > last.upperBound &+ 1 {
                ranges.append(range)
                return
            }
            if range.lowerBound >= last.lowerBound {
                if range.upperBound > last.upperBound {
                    ranges[ranges.count - 1] = last.lowerBound...range.upperBound
                }
                return
            }
            ranges.append(range)
            normalize()
        } else {
            ranges.append(range)
        }
    }

    mutating func formUnion(_ other: ScalarSet) {
        for range in other.ranges { insert(range) }
    }

    /// The code points in `0...0x10FFFF` that are not in the set.
    func inverted() -> ScalarSet {
        var result: [ClosedRange<UInt32>] = []
        result.reserveCapacity(ranges.count + 1)
        var nextLow: UInt32 = 0
        for range in ranges {
            if range.lowerBound > nextLow { result.append(nextLow...(range.lowerBound - 1)) }
            nextLow = range.upperBound &+ 1
        }
        if nextLow <= Self.maxScalar { result.append(nextLow...Self.maxScalar) }
        var set = ScalarSet()
        set.ranges = result
        return set
    }

    func contains(_ scalar: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            let range = ranges[mid]
            if scalar < range.lowerBound {
                high = mid
            } else if scalar > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// The set plus every code point that is equal to a member under simple case folding.
    func caseFolded() -> ScalarSet {
        var extra: [ClosedRange<UInt32>] = []
        let cased = CaseFolding.casedScalars
        for range in ranges {
            var index = CaseFolding.firstCasedIndex(atLeast: range.lowerBound)
            while index < cased.count, cased[index] <= range.upperBound {
                for member in CaseFolding.orbit(of: cased[index]) where !contains(member) {
                    extra.append(member...member)
                }
                index += 1
            }
        }
        return extra.isEmpty ? self : ScalarSet(ranges + extra)
    }

    private mutating func normalize() {
        guard ranges.count > 1 else { return }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        merged.reserveCapacity(ranges.count)
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                if range.upperBound > last.upperBound {
                    merged[merged.count - 1] = last.lowerBound...range.upperBound
                }
            } else {
                merged.append(range)
            }
        }
        ranges = merged
    }
}
