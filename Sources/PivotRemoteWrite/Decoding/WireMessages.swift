import PivotModel

/// Decoders of the leaf messages that need nothing but the bytes: labels and samples (1.0), native
/// histograms and bucket spans (both versions), symbol references (2.0). Kept apart from
/// `RequestDecoder` so the hot per-field calls do not carry (or copy) the decoder's state.
struct WireMessages {
    typealias ByteRange = WriteBatch.ByteRange
    typealias LabelRef = WriteBatch.LabelRef

    let buffer: UnsafeRawBufferPointer

    @inline(__always)
    static func byteRange(_ range: Range<Int>) -> ByteRange {
        ByteRange(offset: UInt32(truncatingIfNeeded: range.lowerBound), length: UInt32(truncatingIfNeeded: range.count))
    }

    /// Unicode characters in a UTF-8 range: the bytes that do not continue a multi-byte sequence.
    func runeCount(_ range: ByteRange) -> Int {
        var count = 0
        var index = Int(range.offset)
        let end = index + Int(range.length)
        while index < end {
            count &+= buffer[index] & 0xC0 == 0x80 ? 0 : 1
            index += 1
        }
        return count
    }

    /// Reads one 2.0 symbol reference and resolves it.
    @inline(__always)
    static func symbolRef(_ reader: inout ProtoReader, _ symbols: [ByteRange]) throws(RemoteWriteDecodeError) -> ByteRange {
        let at = reader.position
        let ref = try reader.readVarint()
        guard ref < UInt64(symbols.count) else {
            throw RemoteWriteDecodeError(
                .malformed, "symbol reference \(ref) at byte \(at) is out of range (\(symbols.count) symbols)",
                offset: at)
        }
        return symbols[Int(ref)]
    }

    /// ```
    /// message Label {
    ///   string name  = 1;
    ///   string value = 2;
    /// }
    /// ```
    @inline(__always)
    func decodeV1Label(_ range: Range<Int>) throws(RemoteWriteDecodeError) -> LabelRef {
        // Fast path for what senders write: name then value, each shorter than 128 bytes.
        let start = range.lowerBound
        if range.count >= 4 && buffer[start] == 0x0A {
            let nameLength = Int(buffer[start + 1])
            let valueTag = start + 2 + nameLength
            if nameLength < 0x80 && valueTag + 2 <= range.upperBound && buffer[valueTag] == 0x12 {
                let valueLength = Int(buffer[valueTag + 1])
                if valueLength < 0x80 && valueTag + 2 + valueLength == range.upperBound {
                    return LabelRef(
                        name: ByteRange(offset: UInt32(truncatingIfNeeded: start + 2), length: UInt32(nameLength)),
                        value: ByteRange(offset: UInt32(truncatingIfNeeded: valueTag + 2), length: UInt32(valueLength)))
                }
            }
        }
        return try decodeV1LabelFields(range)
    }

    @inline(never)
    func decodeV1LabelFields(_ range: Range<Int>) throws(RemoteWriteDecodeError) -> LabelRef {
        var label = ProtoReader(buffer, range: range)
        var name = ByteRange.empty
        var value = ByteRange.empty
        while label.hasMore {
            let (field, wireType) = try label.readTag()
            switch field {
            case 1:
                try label.expect(wireType, WireType.lengthDelimited, field: field, "name")
                name = WireMessages.byteRange(try label.readLengthDelimited())
            case 2:
                try label.expect(wireType, WireType.lengthDelimited, field: field, "value")
                value = WireMessages.byteRange(try label.readLengthDelimited())
            default:
                try label.skip(wireType: wireType, field: field)
            }
        }
        return LabelRef(name: name, value: value)
    }

    /// ```
    /// message Sample {
    ///   double value    = 1;
    ///   int64 timestamp = 2;
    /// }
    /// ```
    @inline(__always)
    func decodeV1Sample(_ range: Range<Int>) throws(RemoteWriteDecodeError) -> Sample {
        var sample = ProtoReader(buffer, range: range)
        // Fast path for what senders write: value then timestamp, nothing else.
        if range.count >= 11 && buffer[range.lowerBound] == 0x09 && buffer[range.lowerBound + 9] == 0x10 {
            sample.position += 1
            let value = try sample.readDouble()
            sample.position += 1
            let timestamp = try sample.readInt64()
            if !sample.hasMore { return Sample(timestamp: timestamp, value: value) }
            sample.position = range.lowerBound
        }
        var value = 0.0
        var timestamp: Int64 = 0
        while sample.hasMore {
            let (field, wireType) = try sample.readTag()
            switch field {
            case 1:
                try sample.expect(wireType, WireType.fixed64, field: field, "value")
                value = try sample.readDouble()
            case 2:
                try sample.expect(wireType, WireType.varint, field: field, "timestamp")
                timestamp = try sample.readInt64()
            default:
                try sample.skip(wireType: wireType, field: field)
            }
        }
        return Sample(timestamp: timestamp, value: value)
    }
}
