/// Reads protobuf wire format from a borrowed buffer without copying: varints, fixed-width values and
/// length-delimited fields, each bounds-checked against the end of the enclosing message.
///
/// A length-delimited field becomes either a child cursor (`message()`) or a byte count (`skipBytes()`);
/// nothing is allocated. The buffer must outlive the cursor.
public struct ProtoWireCursor {
    /// Protobuf wire types.
    public enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private let buffer: UnsafeRawBufferPointer
    /// Offset of the next unread byte in `buffer`.
    public private(set) var position: Int
    /// Offset one past the last byte of the message being read.
    private let end: Int

    public init(_ buffer: UnsafeRawBufferPointer) {
        self.init(buffer: buffer, position: 0, end: buffer.count)
    }

    private init(buffer: UnsafeRawBufferPointer, position: Int, end: Int) {
        self.buffer = buffer
        self.position = position
        self.end = end
    }

    public var isAtEnd: Bool { position >= end }

    /// Bytes left in the message being read.
    public var remainingCount: Int { end - position }

    /// The largest field number protobuf allows (2^29 - 1).
    public static let maxFieldNumber: UInt64 = (1 << 29) - 1

    /// Reads a field key. Throws on field number 0 or above `maxFieldNumber` (protobuf libraries refuse
    /// such keys, so bytes holding one could not be read back), groups and unknown wire types.
    @inline(__always)
    public mutating func tag() throws(OTLPDecodeError) -> (field: UInt64, wireType: WireType) {
        let start = position
        let key = try varint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)), key >> 3 != 0, key >> 3 <= Self.maxFieldNumber else {
            throw OTLPDecodeError(.malformed, "invalid field key \(key)", offset: start)
        }
        return (key >> 3, wireType)
    }

    @inline(__always)
    public mutating func varint() throws(OTLPDecodeError) -> UInt64 {
        guard position < end else { throw truncated("varint") }
        let first = buffer[position]
        if first < 0x80 {
            position += 1
            return UInt64(first)
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(OTLPDecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while position < end {
            let byte = buffer[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift >= 70 { throw OTLPDecodeError(.malformed, "varint longer than ten bytes", offset: start) }
        }
        throw truncated("varint")
    }

    @inline(__always)
    public mutating func fixed64() throws(OTLPDecodeError) -> UInt64 {
        guard end - position >= 8 else { throw truncated("fixed64") }
        let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: value)
    }

    @inline(__always)
    public mutating func fixed32() throws(OTLPDecodeError) -> UInt32 {
        guard end - position >= 4 else { throw truncated("fixed32") }
        let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: value)
    }

    /// Reads a length prefix and returns a cursor over the field's bytes, positioned at their start.
    @inline(__always)
    public mutating func message() throws(OTLPDecodeError) -> ProtoWireCursor {
        let length = try lengthPrefix()
        let child = ProtoWireCursor(buffer: buffer, position: position, end: position + length)
        position += length
        return child
    }

    /// Reads a length prefix and returns a cursor over the field's bytes together with those bytes,
    /// for messages kept as they arrived (trace spans, resources, scopes).
    @inline(__always)
    public mutating func messageAndBytes() throws(OTLPDecodeError) -> (ProtoWireCursor, UnsafeRawBufferPointer) {
        let length = try lengthPrefix()
        let child = ProtoWireCursor(buffer: buffer, position: position, end: position + length)
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position + length)])
        position += length
        return (child, slice)
    }

    /// Reads a length prefix, skips the field's bytes (a string or bytes value) and returns their count.
    @inline(__always)
    public mutating func skipBytes() throws(OTLPDecodeError) -> Int {
        let length = try lengthPrefix()
        position += length
        return length
    }

    /// Reads a length prefix and returns the field's bytes (a string or bytes value), borrowed from the buffer.
    @inline(__always)
    public mutating func bytes() throws(OTLPDecodeError) -> UnsafeRawBufferPointer {
        let length = try lengthPrefix()
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position + length)])
        position += length
        return slice
    }

    /// Reads a UTF-8 string field; throws `.invalidUTF8` for bytes that are not valid UTF-8.
    @inline(__always)
    public mutating func string(field: StaticString) throws(OTLPDecodeError) -> String {
        let start = position
        let raw = try bytes()
        if raw.isEmpty { return "" }
        if Self.isASCII(raw) {
            // ASCII is valid UTF-8: copy without the generic validating initializer.
            return String(unsafeUninitializedCapacity: raw.count) { target in
                _ = target.initialize(fromContentsOf: raw)
                return raw.count
            }
        }
        guard let value = String(validating: raw, as: UTF8.self) else {
            throw OTLPDecodeError(.invalidUTF8, "\(field) is not valid UTF-8", offset: start)
        }
        return value
    }

    /// Reads a UTF-8 string field as bytes (no `String` made for ASCII); throws `.invalidUTF8` for
    /// bytes that are not valid UTF-8.
    @inline(__always)
    public mutating func utf8(field: StaticString) throws(OTLPDecodeError) -> UnsafeRawBufferPointer {
        let start = position
        let raw = try bytes()
        if raw.isEmpty || Self.isASCII(raw) { return raw }
        guard String(validating: raw, as: UTF8.self) != nil else {
            throw OTLPDecodeError(.invalidUTF8, "\(field) is not valid UTF-8", offset: start)
        }
        return raw
    }

    /// Whether every byte is below 0x80, eight at a time.
    @inline(__always)
    static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= raw.count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < raw.count {
            high |= UInt64(raw[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Skips the value of a field this reader does not need.
    public mutating func skip(_ wireType: WireType) throws(OTLPDecodeError) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try skipBytes()
        }
    }

    /// Throws unless `wireType` is `expected`; names the field in the message.
    @inline(__always)
    public func require(_ wireType: WireType, _ expected: WireType, field: StaticString) throws(OTLPDecodeError) {
        guard wireType == expected else {
            throw OTLPDecodeError(
                .wrongType, "\(field): wire type \(wireType.rawValue), expected \(expected.rawValue)",
                offset: position)
        }
    }

    private mutating func lengthPrefix() throws(OTLPDecodeError) -> Int {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw truncated("length-delimited field") }
        return Int(length)
    }

    private func truncated(_ what: String) -> OTLPDecodeError {
        OTLPDecodeError(.truncated, "message ends inside a \(what)", offset: position)
    }
}

extension ProtoWireCursor {
    /// Runs `body` over the bytes of `array` (the decoders' `[UInt8]` entry points).
    public static func reading<R>(
        _ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(OTLPDecodeError) -> R
    ) throws(OTLPDecodeError) -> R {
        do {
            return try array.withUnsafeBytes { raw in try body(raw) }
        } catch let error as OTLPDecodeError {
            throw error
        } catch {
            throw OTLPDecodeError(.malformed, "\(error)", offset: 0)
        }
    }

    /// Calls `body` with a cursor over each occurrence of the repeated message field 1 of a
    /// top-level export request (`resource_metrics`, `resource_spans`), skipping other fields.
    public static func eachResource(
        in bytes: UnsafeRawBufferPointer, field name: StaticString, _ body: (inout ProtoWireCursor) throws(OTLPDecodeError) -> Void
    ) throws(OTLPDecodeError) {
        var cursor = ProtoWireCursor(bytes)
        while !cursor.isAtEnd {
            let (field, wire) = try cursor.tag()
            if field == 1 {
                try cursor.require(wire, .lengthDelimited, field: name)
                var child = try cursor.message()
                try body(&child)
            } else {
                try cursor.skip(wire)
            }
        }
    }
}
