/// Protobuf-style base-128 varints and zigzag encoding, used by WAL records and SQLite blobs.
enum VarInt {
    @inline(__always)
    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    /// Zigzag encoding: small magnitudes of either sign become small unsigned values.
    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    @inline(__always)
    static func unzigzag(_ raw: UInt64) -> Int64 {
        Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    @inline(__always)
    static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        appendUnsigned(zigzag(value), to: &out)
    }

    /// Reads a varint at `position` and advances it; nil (position unspecified) when truncated or longer than 10 bytes.
    @inline(__always)
    static func readUnsigned(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { return nil }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    @inline(__always)
    static func readSigned(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> Int64? {
        guard let raw = readUnsigned(bytes, &position) else { return nil }
        return unzigzag(raw)
    }
}

/// Little-endian fixed-width values.
enum FixedWidth {
    @inline(__always)
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    static func readUInt64(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64? {
        guard bytes.count - position >= 8 else { return nil }
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return value
    }
}

/// A cursor over a byte buffer for decoding records; every read returns nil past the end.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func unsigned() -> UInt64? { VarInt.readUnsigned(bytes, &position) }
    mutating func signed() -> Int64? { VarInt.readSigned(bytes, &position) }
    mutating func fixed64() -> UInt64? { FixedWidth.readUInt64(bytes, &position) }
    mutating func double() -> Double? { fixed64().map { Double(bitPattern: $0) } }

    /// A count that must fit in what is left (each element takes at least `minimumElementSize` bytes),
    /// so a corrupt count cannot cause a huge allocation.
    mutating func count(minimumElementSize: Int = 1) -> Int? {
        guard let value = unsigned(), value <= UInt64((bytes.count - position) / max(minimumElementSize, 1)) else {
            return nil
        }
        return Int(value)
    }

    /// `length`-prefixed bytes.
    mutating func lengthPrefixed() -> UnsafeRawBufferPointer? {
        guard let length = count() else { return nil }
        defer { position += length }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
    }

    mutating func string() -> String? {
        lengthPrefixed().map { String(decoding: $0, as: UTF8.self) }
    }
}
