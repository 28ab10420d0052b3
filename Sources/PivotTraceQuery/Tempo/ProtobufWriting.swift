/// Protobuf wire-format helpers for assembling messages from already-encoded parts.
enum ProtobufWriting {
    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// A length-delimited field (wire type 2).
    static func appendBytesField(_ number: Int, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(UInt64(number << 3 | 2), to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// A varint field (wire type 0).
    static func appendVarintField(_ number: Int, _ value: UInt64, to out: inout [UInt8]) {
        appendVarint(UInt64(number << 3), to: &out)
        appendVarint(value, to: &out)
    }
}
