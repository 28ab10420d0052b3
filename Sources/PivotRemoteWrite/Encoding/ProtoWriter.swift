/// Appends protobuf wire format to a byte array. Nested messages are written in place and their length
/// prefix inserted afterwards, which is fine for the small messages remote-write nests.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: Int, _ wireType: Int) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func zigzag(_ value: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    // MARK: Fields (proto3: callers skip default values where the schema would)

    mutating func uint64Field(_ field: Int, _ value: UInt64) {
        tag(field, WireType.varint)
        varint(value)
    }

    mutating func int64Field(_ field: Int, _ value: Int64) {
        uint64Field(field, UInt64(bitPattern: value))
    }

    mutating func doubleField(_ field: Int, _ value: Double) {
        tag(field, WireType.fixed64)
        fixed64(value.bitPattern)
    }

    mutating func bytesField(_ field: Int, _ value: some Collection<UInt8>) {
        tag(field, WireType.lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func packedVarints(_ field: Int, _ values: some Sequence<UInt64>) {
        message(field) { writer in
            for value in values { writer.varint(value) }
        }
    }

    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        tag(field, WireType.lengthDelimited)
        varint(UInt64(values.count * 8))
        for value in values { fixed64(value.bitPattern) }
    }

    /// Writes a length-delimited field whose contents `body` appends.
    mutating func message(_ field: Int, _ body: (inout ProtoWriter) -> Void) {
        tag(field, WireType.lengthDelimited)
        let start = bytes.count
        body(&self)
        let length = bytes.count - start
        var prefix = ProtoWriter()
        prefix.varint(UInt64(length))
        bytes.insert(contentsOf: prefix.bytes, at: start)
    }
}
