import CSnappy

/// Snappy *block* format (not the framed format), as remote-write bodies use it, through libsnappy's C API.
///
/// Decompression reads the length the block declares first and refuses it when it is above the caller's
/// limit, or when it is more than a snappy block of that size could possibly expand to, before allocating
/// anything. A block declaring more than `validateBeforeAllocatingAbove` bytes is then validated in full
/// before the output is allocated, so a small corrupt body cannot make Pivot reserve a large buffer;
/// smaller blocks skip that extra pass (about 40% of decompression time) because libsnappy's
/// decompressor itself rejects corrupt input without writing past the buffer.
public enum Snappy {
    /// Declared uncompressed lengths above this many bytes are validated before allocating: 1 MiB.
    public static let validateBeforeAllocatingAbove = 1 << 20

    /// The most bytes one compressed byte can expand to: a 3-byte copy element yields at most 64 bytes.
    static let maxExpansionPerCompressedByte = 22

    /// The uncompressed length `compressed` declares in its header, without checking the rest.
    public static func declaredDecompressedLength(_ compressed: [UInt8]) throws(SnappyError) -> Int {
        var length = 0
        let status = compressed.withUnsafeBytes { raw -> snappy_status in
            guard let base = raw.baseAddress else { return SNAPPY_INVALID_INPUT }
            return snappy_uncompressed_length(base.assumingMemoryBound(to: CChar.self), raw.count, &length)
        }
        guard status == SNAPPY_OK else {
            throw SnappyError(.corrupt, "snappy: cannot read the uncompressed length in the block header")
        }
        return length
    }

    /// Decompresses one snappy block.
    ///
    /// - Parameter maxDecompressedBytes: the largest uncompressed length accepted (inclusive). A block
    ///   declaring more throws `SnappyError.Code.tooLarge` before any allocation.
    public static func decompress(_ compressed: [UInt8], maxDecompressedBytes: Int) throws(SnappyError) -> [UInt8] {
        let length = try declaredDecompressedLength(compressed)
        if length > maxDecompressedBytes {
            throw SnappyError(
                .tooLarge,
                "snappy: block declares \(length) uncompressed bytes, above the limit of \(maxDecompressedBytes)")
        }
        if length / maxExpansionPerCompressedByte > compressed.count {
            throw SnappyError(
                .corrupt,
                "snappy: block of \(compressed.count) bytes cannot expand to the \(length) bytes its header declares")
        }
        if length > validateBeforeAllocatingAbove {
            guard isValidBlock(compressed) else { throw SnappyError(.corrupt, "snappy: corrupt block") }
        }
        if length == 0 { return [] }
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            var written = length
            let status = compressed.withUnsafeBytes { raw -> snappy_status in
                snappy_uncompress(
                    raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count,
                    UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &written)
            }
            if status == SNAPPY_OK && written == length {
                initialized = length
            } else {
                failed = true
                initialized = 0
            }
        }
        if failed { throw SnappyError(.corrupt, "snappy: corrupt block") }
        return output
    }

    /// Whether `compressed` is a complete, well-formed snappy block (a full pass that writes nothing).
    public static func isValidBlock(_ compressed: [UInt8]) -> Bool {
        compressed.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            return snappy_validate_compressed_buffer(base.assumingMemoryBound(to: CChar.self), raw.count) == SNAPPY_OK
        }
    }

    /// Compresses `bytes` into one snappy block.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        let capacity = snappy_max_compressed_length(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var written = capacity
            let status = bytes.withUnsafeBytes { raw -> snappy_status in
                // An empty array may have no base address; snappy reads nothing for length 0.
                let source = raw.baseAddress ?? UnsafeRawPointer(buffer.baseAddress!)
                return snappy_compress(
                    source.assumingMemoryBound(to: CChar.self), raw.count,
                    UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &written)
            }
            precondition(status == SNAPPY_OK, "snappy_compress failed with an output buffer of the maximum size")
            initialized = written
        }
    }
}
