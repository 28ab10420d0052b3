import CSnappy
import PivotModel

/// The stored spans of one trace that arrived in one append: one `span_chunks` row, written in
/// arrival order. A trace's row in `traces` lists its chunk ids; reading a trace reads those rows.
///
/// A row starts with a format byte:
/// - 2 (raw) or 3 (Snappy): the current layout. A table of references follows, uncompressed (a
///   count, then per reference the `resources` and `scopes` row ids as varints), then the payload.
///   Per span: span id, parent span id, reference index, kind, status, start and end times, name,
///   the attributes (`AttributeEncoding`) and the serialized `Span` bytes.
/// - 0 (raw) or 1 (Snappy): the layout before schema version 3, read only to convert it: per span
///   its attributes and bytes (the other fields were rows of a `spans` table).
///
/// Lengths are varints except the attributes', a little-endian UInt32 filled in after encoding them.
/// The payload is compressed when that saves a sixteenth or more.
enum SpanChunk {
    static let legacyRaw: UInt8 = 0
    static let legacySnappy: UInt8 = 1
    static let raw: UInt8 = 2
    static let snappy: UInt8 = 3

    /// The resource and scope a span belongs to, as indices into its batch.
    struct Reference: Hashable, Sendable {
        var resource: Int
        var scope: Int
    }

    /// A chunk encoded on the caller's task; the writer adds the row ids of its references.
    struct Prepared: Sendable {
        var format: UInt8
        var payload: [UInt8]
        var references: [Reference]
    }

    /// Encodes `spans` (their trace id is not stored: the trace row has it), building the payload in
    /// `scratch` (reused between calls).
    static func prepare(_ spans: some Sequence<SpanBatch.Span>, scratch: inout [UInt8]) -> Prepared {
        scratch.removeAll(keepingCapacity: true)
        var references: [Reference] = []
        for span in spans {
            let reference = Reference(resource: span.resource, scope: span.scope)
            let index = references.firstIndex(of: reference) ?? {
                references.append(reference)
                return references.count - 1
            }()
            appendBytes(span.spanID, to: &scratch)
            appendBytes(span.parentSpanID, to: &scratch)
            appendVarint(UInt64(index), to: &scratch)
            appendVarint(UInt64(UInt32(bitPattern: span.kind)), to: &scratch)
            appendVarint(UInt64(UInt32(bitPattern: span.statusCode)), to: &scratch)
            withUnsafeBytes(of: span.startTimeUnixNano.littleEndian) { scratch.append(contentsOf: $0) }
            withUnsafeBytes(of: span.endTimeUnixNano.littleEndian) { scratch.append(contentsOf: $0) }
            AttributeEncoding.appendString(span.name, to: &scratch)
            withUnsafeBytes(of: UInt32(span.attributeBytes.count).littleEndian) { scratch.append(contentsOf: $0) }
            scratch.append(contentsOf: span.attributeBytes)
            appendBytes(span.bytes, to: &scratch)
        }
        let (compressed, payload) = compress(scratch)
        return Prepared(format: compressed ? snappy : raw, payload: payload, references: references)
    }

    /// The stored row: format, references as row ids, payload. `resourceIDs` and `scopeIDs` are
    /// indexed by the batch's resource and scope indices (0 when out of range).
    static func row(_ prepared: Prepared, resourceIDs: [Int64], scopeIDs: [Int64]) -> [UInt8] {
        var row: [UInt8] = []
        row.reserveCapacity(prepared.payload.count + 2 + prepared.references.count * 4)
        row.append(prepared.format)
        appendVarint(UInt64(prepared.references.count), to: &row)
        for reference in prepared.references {
            let resource = resourceIDs.indices.contains(reference.resource) ? resourceIDs[reference.resource] : 0
            let scope = scopeIDs.indices.contains(reference.scope) ? scopeIDs[reference.scope] : 0
            appendVarint(UInt64(bitPattern: resource), to: &row)
            appendVarint(UInt64(bitPattern: scope), to: &row)
        }
        row.append(contentsOf: prepared.payload)
        return row
    }

    /// Whether Snappy was used, and the payload to store.
    static func compress(_ payload: [UInt8]) -> (Bool, [UInt8]) {
        let capacity = snappy_max_compressed_length(payload.count)
        var out = [UInt8](repeating: 0, count: capacity)
        var length = capacity
        let status = payload.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                snappy_compress(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                    output.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        // Incompressible payloads (random bytes) are kept raw: reading them costs nothing extra.
        guard status == SNAPPY_OK, length + length / 16 < payload.count else { return (false, payload) }
        out.removeSubrange(length...)
        return (true, out)
    }

    /// A span's fields as stored in a current-layout chunk.
    struct Fields {
        var spanID: [UInt8]
        var parentSpanID: [UInt8]
        var name: String
        var kind: Int32
        var statusCode: Int32
        var startTimeUnixNano: UInt64
        var endTimeUnixNano: UInt64
        var resourceID: Int64
        var scopeID: Int64
    }

    /// The entries of a stored chunk, or nil when it is damaged.
    struct Decoded {
        let payload: [UInt8]
        /// Per slot: where its attributes and span bytes are in `payload`.
        let entries: [(attributes: Range<Int>, bytes: Range<Int>)]
        /// Per slot, the span's fields; empty for a chunk of the earlier layout.
        let fields: [Fields]

        /// The slot's attributes as stored (`AttributeEncoding`; no bytes for none).
        func attributeBytes(slot: Int) -> [UInt8] {
            guard slot < entries.count else { return [] }
            let range = entries[slot].attributes
            // Chunks written before spans carried encoded attributes stored none as a zero count.
            return range.count == 1 && payload[range.lowerBound] == 0 ? [] : Array(payload[range])
        }

        func bytes(slot: Int) -> [UInt8] {
            guard slot < entries.count else { return [] }
            return Array(payload[entries[slot].bytes])
        }
    }

    static func decode(_ stored: UnsafeRawBufferPointer) -> Decoded? {
        guard let format = stored.first else { return nil }
        var cursor = AttributeEncoding.Reader(bytes: stored, position: 1)
        var references: [(resource: Int64, scope: Int64)] = []
        if format == raw || format == snappy {
            guard let count = cursor.varint(), count <= UInt64(stored.count) else { return nil }
            for _ in 0..<count {
                guard let resource = cursor.varint(), let scope = cursor.varint() else { return nil }
                references.append((Int64(bitPattern: resource), Int64(bitPattern: scope)))
            }
        }
        let body = UnsafeRawBufferPointer(rebasing: stored[cursor.position...])
        let payload: [UInt8]
        switch format {
        case legacyRaw, raw:
            payload = Array(body)
        case legacySnappy, snappy:
            guard let out = uncompress(body) else { return nil }
            payload = out
        default:
            return nil
        }
        let current = format == raw || format == snappy
        var entries: [(attributes: Range<Int>, bytes: Range<Int>)] = []
        var fields: [Fields] = []
        let ok = payload.withUnsafeBytes { bytes -> Bool in
            var reader = AttributeEncoding.Reader(bytes: bytes)
            func fixed32() -> Int? {
                guard bytes.count - reader.position >= 4 else { return nil }
                defer { reader.position += 4 }
                return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: reader.position, as: UInt32.self)))
            }
            func range(_ length: Int?) -> Range<Int>? {
                guard let length, length <= bytes.count - reader.position else { return nil }
                defer { reader.position += length }
                return reader.position..<(reader.position + length)
            }
            func varintLength() -> Int? {
                reader.varint().flatMap { $0 <= UInt64(bytes.count) ? Int($0) : nil }
            }
            while reader.position < bytes.count {
                if current {
                    guard let spanID = range(varintLength()), let parent = range(varintLength()),
                          let reference = reader.varint(), reference < UInt64(references.count),
                          let kind = reader.varint(), let status = reader.varint(),
                          let start = reader.fixed(), let end = reader.fixed(),
                          let name = range(varintLength())
                    else { return false }
                    let owner = references[Int(reference)]
                    fields.append(Fields(
                        spanID: Array(bytes[spanID]), parentSpanID: Array(bytes[parent]),
                        name: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[name]), as: UTF8.self),
                        kind: Int32(bitPattern: UInt32(truncatingIfNeeded: kind)),
                        statusCode: Int32(bitPattern: UInt32(truncatingIfNeeded: status)),
                        startTimeUnixNano: start, endTimeUnixNano: end, resourceID: owner.resource, scopeID: owner.scope))
                }
                guard let attributes = range(fixed32()),
                      let spanBytes = range(current ? varintLength() : fixed32())
                else { return false }
                entries.append((attributes, spanBytes))
            }
            return true
        }
        return ok ? Decoded(payload: payload, entries: entries, fields: fields) : nil
    }

    private static func uncompress(_ body: UnsafeRawBufferPointer) -> [UInt8]? {
        let input = body.baseAddress?.assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(input, body.count, &length) == SNAPPY_OK, length <= 1 << 30 else { return nil }
        var out = [UInt8](repeating: 0, count: length)
        let status = out.withUnsafeMutableBytes { output in
            snappy_uncompress(input, body.count, output.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        }
        return status == SNAPPY_OK ? out : nil
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        AttributeEncoding.appendVarint(value, to: &out)
    }

    private static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBytes { AttributeEncoding.appendBytes($0, to: &out) }
    }
}
