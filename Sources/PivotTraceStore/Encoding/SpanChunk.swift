import PivotModel
import CSnappy

/// The stored payload of the spans of one trace that arrived in one append: for each span (in
/// slot order) its attributes (`AttributeEncoding`) and its serialized `Span` bytes, each
/// length-prefixed, the whole compressed with Snappy when that saves space. A chunk's first byte
/// says which: 0 raw, 1 Snappy. Spans point at their chunk and slot; a trace is read by reading its
/// few chunks.
enum SpanChunk {
    static let raw: UInt8 = 0
    static let snappy: UInt8 = 1

    /// Builds the payload in `scratch` (reused between calls) and returns the stored chunk.
    static func encode(_ spans: some Sequence<SpanBatch.Span>, scratch: inout [UInt8]) -> [UInt8] {
        scratch.removeAll(keepingCapacity: true)
        for span in spans {
            let lengthAt = scratch.count
            scratch.append(contentsOf: [0, 0, 0, 0])
            AttributeEncoding.encode(span.attributes, into: &scratch)
            let attributeLength = UInt32(scratch.count - lengthAt - 4)
            withUnsafeBytes(of: attributeLength.littleEndian) { length in
                for i in 0..<4 { scratch[lengthAt + i] = length[i] }
            }
            withUnsafeBytes(of: UInt32(span.bytes.count).littleEndian) { scratch.append(contentsOf: $0) }
            scratch.append(contentsOf: span.bytes)
        }
        return compress(scratch)
    }

    static func compress(_ payload: [UInt8]) -> [UInt8] {
        let capacity = snappy_max_compressed_length(payload.count)
        var out = [UInt8](repeating: 0, count: capacity + 1)
        var length = capacity
        let status = payload.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                snappy_compress(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                    output.baseAddress!.advanced(by: 1).assumingMemoryBound(to: CChar.self), &length)
            }
        }
        // Incompressible payloads (random bytes) are kept raw: reading them costs nothing extra.
        guard status == SNAPPY_OK, length + length / 16 < payload.count else {
            return [raw] + payload
        }
        out[0] = snappy
        out.removeSubrange((length + 1)...)
        return out
    }

    /// The entries of a stored chunk, or nil when it is damaged.
    struct Decoded {
        let payload: [UInt8]
        /// Per slot: where its attributes and span bytes are in `payload`.
        let entries: [(attributes: Range<Int>, bytes: Range<Int>)]

        func attributes(slot: Int) -> [SpanAttribute] {
            guard slot < entries.count else { return [] }
            return payload.withUnsafeBytes { AttributeEncoding.decode(UnsafeRawBufferPointer(rebasing: $0[entries[slot].attributes])) }
        }

        func bytes(slot: Int) -> [UInt8] {
            guard slot < entries.count else { return [] }
            return Array(payload[entries[slot].bytes])
        }
    }

    static func decode(_ stored: UnsafeRawBufferPointer) -> Decoded? {
        guard let format = stored.first else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: stored[1...])
        let payload: [UInt8]
        switch format {
        case raw:
            payload = Array(body)
        case snappy:
            let input = body.baseAddress?.assumingMemoryBound(to: CChar.self)
            var length = 0
            guard snappy_uncompressed_length(input, body.count, &length) == SNAPPY_OK else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            let status = out.withUnsafeMutableBytes { output in
                snappy_uncompress(input, body.count, output.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
            guard status == SNAPPY_OK else { return nil }
            payload = out
        default:
            return nil
        }
        var entries: [(attributes: Range<Int>, bytes: Range<Int>)] = []
        var position = 0
        let ok = payload.withUnsafeBytes { bytes -> Bool in
            func length() -> Int? {
                guard bytes.count - position >= 4 else { return nil }
                defer { position += 4 }
                return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            }
            while position < bytes.count {
                guard let attributeLength = length(), attributeLength <= bytes.count - position else { return false }
                let attributes = position..<(position + attributeLength)
                position += attributeLength
                guard let spanLength = length(), spanLength <= bytes.count - position else { return false }
                entries.append((attributes, position..<(position + spanLength)))
                position += spanLength
            }
            return true
        }
        return ok ? Decoded(payload: payload, entries: entries) : nil
    }
}
