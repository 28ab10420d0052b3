import PivotModel

/// A fast 64-bit hash of a label set, computed the same way from a batch's label byte ranges and from
/// a `LabelSetEncoding`, without allocating. Not cryptographic: a lookup by hash always confirms by
/// comparing the bytes.
///
/// Each name and value is mixed in as its length and then its bytes, 8 at a time (multiply-fold
/// mixing, as in wyhash), so the boundaries between names and values are part of the hash.
struct LabelHasher {
    private static let seed: UInt64 = 0x243f_6a88_85a3_08d3
    private static let k0: UInt64 = 0xa076_1d64_78bd_642f
    private static let k1: UInt64 = 0xe703_7ed1_a0b4_28db
    private static let k2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    private var state: UInt64 = seed

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    mutating func combine(_ base: UnsafeRawPointer, _ count: Int) {
        var h = Self.fold(state ^ Self.k0, UInt64(truncatingIfNeeded: count) ^ Self.k1)
        if count >= 8 {
            var offset = 0
            while count - offset > 8 {
                h = Self.fold(h ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self), Self.k2)
                offset += 8
            }
            // The last (possibly overlapping) 8 bytes: the length is already mixed in.
            h = Self.fold(h ^ base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) ^ Self.k0, Self.k2)
        } else if count > 0 {
            h = Self.fold(h ^ Self.shortWord(base, count) ^ Self.k0, Self.k2)
        }
        state = h
    }

    /// The bytes of a piece shorter than 8 bytes as one word, read without a loop (overlapping reads).
    @inline(__always)
    static func shortWord(_ base: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count >= 4 {
            let low = UInt64(base.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return high << 32 | low
        }
        let first = UInt64(base.load(fromByteOffset: 0, as: UInt8.self))
        let middle = UInt64(base.load(fromByteOffset: count >> 1, as: UInt8.self))
        let last = UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
        return first << 16 | middle << 8 | last
    }

    /// The final hash; never 0 or 1 (those mark empty and deleted slots in `SeriesHashTable`).
    var value: UInt64 {
        let h = state ^ (state >> 29)
        return h < 2 ? h + 2 : h
    }

    /// The hash of batch labels `refs` (labels with empty values are skipped, as in the encoding).
    @inline(__always)
    static func hash(arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>) -> UInt64 {
        var hasher = LabelHasher()
        let base = arena.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        for ref in refs where ref.value.length > 0 {
            hasher.combine(base + Int(ref.name.offset), Int(ref.name.length))
            hasher.combine(base + Int(ref.value.offset), Int(ref.value.length))
        }
        return hasher.value
    }

    /// The hash of a `LabelSetEncoding`.
    static func hash(encoded: [UInt8]) -> UInt64 {
        var hasher = LabelHasher()
        encoded.withUnsafeBytes { raw in
            _ = LabelSetEncoding.forEachPair(raw) { name, value in
                hasher.combine(name.baseAddress ?? raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, name.count)
                hasher.combine(value.baseAddress ?? raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, value.count)
            }
        }
        return hasher.value
    }
}
