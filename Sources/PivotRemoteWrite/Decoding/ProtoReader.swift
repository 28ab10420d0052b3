/// Protobuf wire types (the low three bits of a field tag).
enum WireType {
    static let varint = 0
    static let fixed64 = 1
    static let lengthDelimited = 2
    static let startGroup = 3
    static let endGroup = 4
    static let fixed32 = 5

    static func name(_ wireType: Int) -> String {
        switch wireType {
        case varint: "0 (varint)"
        case fixed64: "1 (64-bit)"
        case lengthDelimited: "2 (length-delimited)"
        case startGroup: "3 (start group)"
        case endGroup: "4 (end group)"
        case fixed32: "5 (32-bit)"
        default: "\(wireType) (invalid)"
        }
    }
}

/// A bounds-checked cursor over protobuf bytes that reads without copying.
///
/// Positions are absolute offsets into `buffer` (the whole decompressed body), so a length-delimited
/// field's range can be kept as a `WriteBatch.ByteRange` and errors can name the byte offset. A reader
/// of a sub-message is the same buffer with a narrower `[position, end)`. Nothing here allocates by a
/// length read from the input: every declared length is first checked against the bytes left.
struct ProtoReader {
    let buffer: UnsafeRawBufferPointer
    var position: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer, range: Range<Int>) {
        self.buffer = buffer
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    /// A reader over a range of the same buffer (a sub-message or a packed field).
    @inline(__always)
    func reader(for range: Range<Int>) -> ProtoReader {
        ProtoReader(buffer, range: range)
    }

    @inline(__always)
    var hasMore: Bool { position < end }

    // MARK: Scalars

    @inline(__always)
    mutating func readVarint() throws(RemoteWriteDecodeError) -> UInt64 {
        if position < end {
            let byte = buffer[position]
            if byte < 0x80 {
                position += 1
                return UInt64(byte)
            }
        }
        return try readLongVarint()
    }

    /// A varint of two to ten bytes; the tenth byte may only hold the top bit of a 64-bit value.
    @inline(never)
    mutating func readLongVarint() throws(RemoteWriteDecodeError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = position
        while true {
            guard index < end else {
                throw RemoteWriteDecodeError(
                    .malformed, "varint at byte \(start) is truncated (\(end - start) bytes left)", offset: start)
            }
            let byte = buffer[index]
            index += 1
            if shift == 63 {
                guard byte < 2 else {
                    throw RemoteWriteDecodeError(
                        .malformed, "varint at byte \(start) is longer than 10 bytes or overflows 64 bits",
                        offset: start)
                }
                result |= UInt64(byte) << 63
                break
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        position = index
        return result
    }

    /// A field tag: the field number and the wire type. Field number 0 and wire types 6 and 7 are invalid.
    @inline(__always)
    mutating func readTag() throws(RemoteWriteDecodeError) -> (field: UInt64, wireType: Int) {
        let start = position
        let tag = try readVarint()
        let field = tag >> 3
        let wireType = Int(tag & 7)
        if field == 0 || wireType > WireType.fixed32 {
            throw RemoteWriteDecodeError(
                .malformed, "invalid field tag \(tag) (field \(field), wire type \(wireType)) at byte \(start)",
                offset: start)
        }
        return (field, wireType)
    }

    @inline(__always)
    mutating func readFixed64() throws(RemoteWriteDecodeError) -> UInt64 {
        guard end - position >= 8 else { throw truncated(needing: 8, what: "64-bit value") }
        let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: value)
    }

    @inline(__always)
    mutating func readDouble() throws(RemoteWriteDecodeError) -> Double {
        Double(bitPattern: try readFixed64())
    }

    @inline(__always)
    mutating func readInt64() throws(RemoteWriteDecodeError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// A `sint32`: zigzag-encoded, truncated to 32 bits as protobuf does.
    @inline(__always)
    mutating func readSInt32() throws(RemoteWriteDecodeError) -> Int32 {
        let raw = UInt32(truncatingIfNeeded: try readVarint())
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A `sint64`: zigzag-encoded.
    @inline(__always)
    mutating func readSInt64() throws(RemoteWriteDecodeError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A `uint32`, truncated to 32 bits as protobuf does.
    @inline(__always)
    mutating func readUInt32() throws(RemoteWriteDecodeError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readVarint())
    }

    /// The payload of a length-delimited field, as an absolute range; the reader moves past it.
    @inline(__always)
    mutating func readLengthDelimited() throws(RemoteWriteDecodeError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        let left = end - position
        guard length <= UInt64(left) else {
            throw RemoteWriteDecodeError(
                .malformed, "length \(length) at byte \(start) exceeds the \(left) bytes left", offset: start)
        }
        let from = position
        position += Int(length)
        return from..<position
    }

    // MARK: Skipping and checking

    /// Skips the value of a field this decoder does not know.
    mutating func skip(wireType: Int, field: UInt64) throws(RemoteWriteDecodeError) {
        switch wireType {
        case WireType.varint: _ = try readVarint()
        case WireType.fixed64:
            guard end - position >= 8 else { throw truncated(needing: 8, what: "field \(field)") }
            position += 8
        case WireType.lengthDelimited: _ = try readLengthDelimited()
        case WireType.fixed32:
            guard end - position >= 4 else { throw truncated(needing: 4, what: "field \(field)") }
            position += 4
        default:
            throw RemoteWriteDecodeError(
                .malformed, "field \(field) uses unsupported wire type \(WireType.name(wireType)) at byte \(position)",
                offset: position)
        }
    }

    /// Throws unless a known field arrived with the wire type its schema gives it.
    @inline(__always)
    func expect(_ wireType: Int, _ expected: Int, field: UInt64, _ name: StaticString) throws(RemoteWriteDecodeError) {
        if wireType != expected {
            throw wrongWireType(wireType, expected: expected, field: field, name)
        }
    }

    @inline(never)
    func wrongWireType(_ wireType: Int, expected: Int, field: UInt64, _ name: StaticString) -> RemoteWriteDecodeError {
        RemoteWriteDecodeError(
            .malformed,
            "field \(name) (\(field)) has wire type \(WireType.name(wireType)), expected \(WireType.name(expected)) "
                + "at byte \(position)",
            offset: position)
    }

    @inline(never)
    func truncated(needing count: Int, what: String) -> RemoteWriteDecodeError {
        RemoteWriteDecodeError(
            .malformed, "\(what) at byte \(position) needs \(count) bytes, \(end - position) left", offset: position)
    }

    // MARK: Repeated scalars (packed or not)

    /// Appends the values of a `repeated sint64` field, packed (one length-delimited run) or not.
    mutating func appendSInt64s(
        wireType: Int, field: UInt64, _ name: StaticString, to values: inout [Int64]
    ) throws(RemoteWriteDecodeError) {
        if wireType == WireType.lengthDelimited {
            var packed = reader(for: try readLengthDelimited())
            values.reserveCapacity(values.count + packed.countVarintsLeft())
            while packed.hasMore { values.append(try packed.readSInt64()) }
        } else {
            try expect(wireType, WireType.varint, field: field, name)
            values.append(try readSInt64())
        }
    }

    /// Appends the values of a `repeated double` field, packed (one length-delimited run) or not.
    mutating func appendDoubles(
        wireType: Int, field: UInt64, _ name: StaticString, to values: inout [Double]
    ) throws(RemoteWriteDecodeError) {
        if wireType == WireType.lengthDelimited {
            let start = position
            let range = try readLengthDelimited()
            guard range.count % 8 == 0 else {
                throw RemoteWriteDecodeError(
                    .malformed, "packed field \(name) (\(field)) at byte \(start) has \(range.count) bytes, "
                        + "not a multiple of 8", offset: start)
            }
            values.reserveCapacity(values.count + range.count / 8)
            var index = range.lowerBound
            while index < range.upperBound {
                values.append(Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self))))
                index += 8
            }
        } else {
            try expect(wireType, WireType.fixed64, field: field, name)
            values.append(try readDouble())
        }
    }

    /// How many varints end in `[position, end)`: the bytes without the continuation bit. Used to size
    /// an array exactly before reading a packed run (never more than the bytes present).
    func countVarintsLeft() -> Int {
        var count = 0
        var index = position
        while index < end {
            count &+= Int(buffer[index] >> 7 ^ 1)
            index += 1
        }
        return count
    }
}
