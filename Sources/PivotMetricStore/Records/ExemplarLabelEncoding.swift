import PivotModel

/// The byte form of an exemplar's labels, in write-ahead log records and the `exemplars` table.
/// Like `LabelSetEncoding`, but values that are lower-case hexadecimal of even length (trace and span
/// ids) are stored as their bytes, half the size:
///
/// ```
/// per label with a non-empty value, in the order given:
///   uvarint(name length) name                                 any name, or
///   0x00 + code byte                                          a name of `knownNames` (its index)
///   uvarint(value length << 1 | 1) + value length / 2 bytes   lower-case hex of even length
///   uvarint(value length << 1)     + value                    any other value
/// ```
///
/// A name is never empty, so a zero length marks a code; encodings written before codes existed
/// (names always spelled out) decode unchanged.
enum ExemplarLabelEncoding {
    /// Names nearly every exemplar has (OpenTelemetry's and Prometheus's trace and span ids), written
    /// as one code byte each. Append-only: a code, once written, must keep its name.
    static let knownNames: [[UInt8]] = ["trace_id", "span_id", "traceID", "spanID", "trace_flags"].map { Array($0.utf8) }

    static func encode(
        arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>, into out: inout [UInt8]
    ) {
        for ref in refs where ref.value.length > 0 {
            let name = UnsafeRawBufferPointer(rebasing: arena[LabelSetEncoding.range(ref.name)])
            let value = UnsafeRawBufferPointer(rebasing: arena[LabelSetEncoding.range(ref.value)])
            if let code = knownNames.firstIndex(where: { $0.elementsEqual(name) }) {
                out.append(0)
                out.append(UInt8(code))
            } else {
                VarInt.appendUnsigned(UInt64(name.count), to: &out)
                out.append(contentsOf: name)
            }
            if value.count % 2 == 0 && value.allSatisfy(isLowerHex) {
                VarInt.appendUnsigned(UInt64(value.count) << 1 | 1, to: &out)
                var index = 0
                while index < value.count {
                    out.append(nibble(value[index]) << 4 | nibble(value[index + 1]))
                    index += 2
                }
            } else {
                VarInt.appendUnsigned(UInt64(value.count) << 1, to: &out)
                out.append(contentsOf: value)
            }
        }
    }

    /// The labels of an encoding, or nil when it is malformed.
    static func decode(_ encoded: [UInt8]) -> Labels? {
        encoded.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            var labels: [Label] = []
            while !cursor.isAtEnd {
                let name: String
                if cursor.position < raw.count && raw[cursor.position] == 0 {
                    cursor.position += 1
                    guard let code = cursor.byte(), Int(code) < knownNames.count else { return nil }
                    name = String(decoding: knownNames[Int(code)], as: UTF8.self)
                } else {
                    guard let bytes = cursor.lengthPrefixed() else { return nil }
                    name = String(decoding: bytes, as: UTF8.self)
                }
                guard let header = cursor.unsigned() else { return nil }
                let length = Int(header >> 1)
                let value: String
                if header & 1 == 1 {
                    guard length % 2 == 0, raw.count - cursor.position >= length / 2 else { return nil }
                    var text: [UInt8] = []
                    text.reserveCapacity(length)
                    for byte in raw[cursor.position..<cursor.position + length / 2] {
                        text.append(hexDigit(byte >> 4))
                        text.append(hexDigit(byte & 0xF))
                    }
                    cursor.position += length / 2
                    value = String(decoding: text, as: UTF8.self)
                } else {
                    guard raw.count - cursor.position >= length else { return nil }
                    value = String(decoding: raw[cursor.position..<cursor.position + length], as: UTF8.self)
                    cursor.position += length
                }
                labels.append(Label(name: name, value: value))
            }
            return Labels(labels)
        }
    }

    @inline(__always)
    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    @inline(__always)
    private static func nibble(_ byte: UInt8) -> UInt8 {
        byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x61 + value - 10
    }
}
