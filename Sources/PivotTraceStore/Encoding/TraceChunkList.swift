/// A trace row's `chunks` column: the ids of its `span_chunks` rows, 8 bytes each (little-endian),
/// in the order they were appended.
enum TraceChunkList {
    static func encode(_ id: Int64) -> [UInt8] {
        withUnsafeBytes(of: id.littleEndian, Array.init)
    }

    /// The ids; a trailing partial id (damage) is ignored.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Int64] {
        stride(from: 0, to: bytes.count - 7, by: 8).map {
            Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0, as: Int64.self))
        }
    }
}
