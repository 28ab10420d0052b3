/// A string compared and hashed by its UTF-8 bytes. Label names and values are byte strings in
/// Prometheus, while `String` equality treats canonically equivalent strings ("é" and "e\u{301}") as
/// equal; the index must keep such values apart.
struct IndexKey: Hashable, Sendable, Comparable {
    let string: String

    init(_ string: String) {
        self.string = string
    }

    static func == (lhs: IndexKey, rhs: IndexKey) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
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
