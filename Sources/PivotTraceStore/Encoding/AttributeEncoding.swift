import PivotModel

/// A compact encoding of indexed attributes, stored beside each span and resource so searches can
/// evaluate filters without decoding the stored protobuf: a count, then per attribute its key, a
/// type byte and the value (UTF-8 strings and texts length-prefixed, numbers little-endian 8 bytes).
enum AttributeEncoding {
    static func encode(_ attributes: [SpanAttribute], into out: inout [UInt8]) {
        appendVarint(UInt64(attributes.count), to: &out)
        for attribute in attributes {
            appendString(attribute.key, to: &out)
            switch attribute.value {
            case .string(let text):
                out.append(0)
                appendString(text, to: &out)
            case .int(let number):
                out.append(1)
                appendFixed(UInt64(bitPattern: number), to: &out)
            case .double(let number):
                out.append(2)
                appendFixed(number.bitPattern, to: &out)
            case .bool(let flag):
                out.append(3)
                out.append(flag ? 1 : 0)
            case .other(let text):
                out.append(4)
                appendString(text, to: &out)
            }
        }
    }

    static func encode(_ attributes: [SpanAttribute]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(attributes.count * 24)
        encode(attributes, into: &out)
        return out
    }

    /// Decodes what `encode` wrote; a damaged encoding yields the attributes read before the damage.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [SpanAttribute] {
        var reader = Reader(bytes: bytes)
        guard let count = reader.varint(), count < 1_000_000 else { return [] }
        var attributes: [SpanAttribute] = []
        attributes.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let key = reader.string(), let type = reader.byte() else { break }
            let value: SpanAttribute.Value
            switch type {
            case 0:
                guard let text = reader.string() else { return attributes }
                value = .string(text)
            case 1:
                guard let raw = reader.fixed() else { return attributes }
                value = .int(Int64(bitPattern: raw))
            case 2:
                guard let raw = reader.fixed() else { return attributes }
                value = .double(Double(bitPattern: raw))
            case 3:
                guard let flag = reader.byte() else { return attributes }
                value = .bool(flag != 0)
            default:
                guard let text = reader.string() else { return attributes }
                value = .other(text)
            }
            attributes.append(SpanAttribute(key: key, value: value))
        }
        return attributes
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func appendString(_ text: String, to out: inout [UInt8]) {
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

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() -> UInt64? {
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

        mutating func fixed() -> UInt64? {
            guard bytes.count - position >= 8 else { return nil }
            defer { position += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        }

        mutating func string() -> String? {
            guard let length = varint(), length <= UInt64(bytes.count - position) else { return nil }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
            position += Int(length)
            return String(decoding: slice, as: UTF8.self)
        }
    }
}
