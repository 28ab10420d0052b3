import Glibc

/// A string compared and hashed by its UTF-8 bytes. Label names and values are byte strings in
/// Prometheus, while `String` equality treats canonically equivalent strings ("é" and "e\u{301}") as
/// equal; the index must keep such values apart.
struct IndexKey: Hashable, Sendable, Comparable {
    let string: String

    init(_ string: String) {
        self.string = string
    }

    /// Byte-wise equality (not `String`'s canonical equivalence): label values are bytes.
    static func == (lhs: IndexKey, rhs: IndexKey) -> Bool {
        let left = lhs.string.utf8
        let right = rhs.string.utf8
        guard left.count == right.count else { return false }
        let same: Bool? = left.withContiguousStorageIfAvailable { leftBytes in
            right.withContiguousStorageIfAvailable { rightBytes in
                leftBytes.count == 0 || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0
            }
        } ?? nil
        return same ?? left.elementsEqual(right)
    }

    static func < (lhs: IndexKey, rhs: IndexKey) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
        hasher.combine(0xFF as UInt8)
    }
}
