/// A compact encoding of span attributes: what the OTLP decoders produce for a span
/// (`SpanBatch.Span.attributeBytes`) and what the trace store keeps beside each span and resource, so
/// searches evaluate filters without decoding the stored protobuf. A count (varint), then per
/// attribute its key, a type byte (0 string, 1 int, 2 double, 3 bool, 4 other) and the value
/// (strings and texts length-prefixed, numbers little-endian 8 bytes, booleans one byte). No
/// attributes encode as no bytes at all.
public enum AttributeEncoding {
    public static let stringType: UInt8 = 0
    public static let intType: UInt8 = 1
    public static let doubleType: UInt8 = 2
    public static let boolType: UInt8 = 3
    public static let otherType: UInt8 = 4

    public static func encode(_ attributes: [SpanAttribute], into out: inout [UInt8]) {
        appendVarint(UInt64(attributes.count), to: &out)
        for attribute in attributes { appendAttribute(attribute, to: &out) }
    }

    public static func encode(_ attributes: [SpanAttribute]) -> [UInt8] {
        if attributes.isEmpty { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(attributes.count * 24)
        encode(attributes, into: &out)
        return out
    }

    /// Appends one attribute's key, type and value (after the count, which the caller maintains).
    public static func appendAttribute(_ attribute: SpanAttribute, to out: inout [UInt8]) {
        appendString(attribute.key, to: &out)
        appendValue(attribute.value, to: &out)
    }

    static func appendValue(_ value: SpanAttribute.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let text):
            out.append(stringType)
            appendString(text, to: &out)
        case .int(let number):
            out.append(intType)
            appendFixed(UInt64(bitPattern: number), to: &out)
        case .double(let number):
            out.append(doubleType)
            appendFixed(number.bitPattern, to: &out)
        case .bool(let flag):
            out.append(boolType)
            out.append(flag ? 1 : 0)
        case .other(let text):
            out.append(otherType)
            appendString(text, to: &out)
        }
    }

    /// Appends raw UTF-8 bytes, length-prefixed.
    public static func appendBytes(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Writes `count` as the leading varint of `out`, whose first byte was reserved (0) for it.
    public static func setCount(_ count: Int, in out: inout [UInt8]) {
        if count < 0x80 {
            out[0] = UInt8(count)
        } else {
            var prefix: [UInt8] = []
            appendVarint(UInt64(count), to: &prefix)
            out.replaceSubrange(0..<1, with: prefix)
        }
    }

    /// Calls `body` with each attribute's key bytes, type and value bytes (the value's content:
    /// string bytes, 8 little-endian bytes, or one byte), without decoding them; stops at damage.
    public static func forEach(
        _ bytes: UnsafeRawBufferPointer, _ body: (_ key: UnsafeRawBufferPointer, _ type: UInt8, _ value: UnsafeRawBufferPointer) -> Void
    ) {
        var reader = Reader(bytes: bytes)
        guard let count = reader.varint() else { return }
        for _ in 0..<count {
            guard let key = reader.slice(), let type = reader.byte() else { return }
            let value: UnsafeRawBufferPointer?
            switch type {
            case intType, doubleType: value = reader.slice(length: 8)
            case boolType: value = reader.slice(length: 1)
            default: value = reader.slice()
            }
            guard let value else { return }
            body(key, type, value)
        }
    }

    /// The value of the first attribute named `key`, without decoding the others.
    public static func value(forKey key: String, in bytes: UnsafeRawBufferPointer) -> SpanAttribute.Value? {
        var found: SpanAttribute.Value?
        var wanted = key
        wanted.withUTF8 { wantedBytes in
            forEach(bytes) { name, type, value in
                guard found == nil, name.elementsEqual(UnsafeRawBufferPointer(wantedBytes)) else { return }
                found = decodeValue(type: type, value)
            }
        }
        return found
    }

    public static func decodeValue(type: UInt8, _ value: UnsafeRawBufferPointer) -> SpanAttribute.Value {
        switch type {
        case stringType: return .string(String(decoding: value, as: UTF8.self))
        case intType: return .int(Int64(bitPattern: UInt64(littleEndian: value.loadUnaligned(as: UInt64.self))))
        case doubleType: return .double(Double(bitPattern: UInt64(littleEndian: value.loadUnaligned(as: UInt64.self))))
        case boolType: return .bool(value.first != 0)
        default: return .other(String(decoding: value, as: UTF8.self))
        }
    }

    public static func decode(_ bytes: [UInt8]) -> [SpanAttribute] {
        bytes.withUnsafeBytes { decode($0) }
    }

    /// Decodes what `encode` wrote; a damaged encoding yields the attributes read before the damage.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> [SpanAttribute] {
        var attributes: [SpanAttribute] = []
        forEach(bytes) { key, type, value in
            attributes.append(SpanAttribute(key: String(decoding: key, as: UTF8.self), value: decodeValue(type: type, value)))
        }
        return attributes
    }

    public static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    public static func appendString(_ text: String, to out: inout [UInt8]) {
        // Native strings are contiguous UTF-8: one length and one copy.
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            appendVarint(UInt64(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        }
        if copied == nil {
            appendVarint(UInt64(text.utf8.count), to: &out)
            out.append(contentsOf: text.utf8)
        }
    }

    private static func appendFixed(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    public struct Reader {
        public let bytes: UnsafeRawBufferPointer
        public var position = 0

        public init(bytes: UnsafeRawBufferPointer, position: Int = 0) {
            self.bytes = bytes
            self.position = position
        }

        /// A length-prefixed slice, or `length` bytes when given.
        mutating func slice(length: Int? = nil) -> UnsafeRawBufferPointer? {
            guard let count = length ?? varint().flatMap({ $0 <= UInt64(bytes.count) ? Int($0) : nil }),
                  count <= bytes.count - position else { return nil }
            defer { position += count }
            return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        }

        public mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        public mutating func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                result |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { return result }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        public mutating func fixed() -> UInt64? {
            guard bytes.count - position >= 8 else { return nil }
            defer { position += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        }
    }
}
