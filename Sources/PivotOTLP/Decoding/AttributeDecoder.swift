import Glibc

/// Decodes `KeyValue` and `AnyValue` messages (common to every OTLP signal), bounding how deeply
/// arrays and key-value lists may nest so a hostile body cannot exhaust the stack.
struct AttributeDecoder {
    let maxDepth: Int
    /// Keys and string values seen in this request, so the ones repeated on every point share one
    /// `String` instead of allocating a copy each time.
    let strings = RepeatedStrings()

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    /// `KeyValue { 1: string key; 2: AnyValue value }`.
    func keyValue(_ c: inout ProtoWireCursor, depth: Int) throws(OTLPDecodeError) -> OTLPAttribute {
        var attribute = OTLPAttribute(key: "", value: .empty)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "key")
                attribute.key = try strings.string(&c, field: "key")
            case 2:
                try c.require(wire, .lengthDelimited, field: "value")
                var child = try c.message()
                attribute.value = try anyValue(&child, depth: depth)
            case 3:
                // key_strindex (profiles' string table): not used here, but its wire type is checked.
                try c.require(wire, .varint, field: "key_strindex")
                _ = try c.varint()
            default:
                try c.skip(wire)
            }
        }
        return attribute
    }

    /// `AnyValue`: a oneof of string (1), bool (2), int64 (3), double (4), ArrayValue (5),
    /// KeyValueList (6) and bytes (7).
    func anyValue(_ c: inout ProtoWireCursor, depth: Int) throws(OTLPDecodeError) -> OTLPAnyValue {
        var value = OTLPAnyValue.empty
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "string_value")
                value = .string(try strings.string(&c, field: "string_value"))
            case 2:
                try c.require(wire, .varint, field: "bool_value")
                value = .bool(try c.varint() != 0)
            case 3:
                try c.require(wire, .varint, field: "int_value")
                value = .int(Int64(bitPattern: try c.varint()))
            case 4:
                try c.require(wire, .fixed64, field: "double_value")
                value = .double(Double(bitPattern: try c.fixed64()))
            case 5, 6:
                try c.require(wire, .lengthDelimited, field: field == 5 ? "array_value" : "kvlist_value")
                guard depth < maxDepth else {
                    throw OTLPDecodeError(.tooDeep, "attribute values nest deeper than \(maxDepth) levels", offset: c.position)
                }
                var list = try c.message()
                var values: [OTLPAnyValue] = []
                var pairs: [OTLPAttribute] = []
                while !list.isAtEnd {
                    let (inner, innerWire) = try list.tag()
                    if inner == 1 {
                        try list.require(innerWire, .lengthDelimited, field: "values")
                        var element = try list.message()
                        if field == 5 {
                            values.append(try anyValue(&element, depth: depth + 1))
                        } else {
                            pairs.append(try keyValue(&element, depth: depth + 1))
                        }
                    } else {
                        try list.skip(innerWire)
                    }
                }
                value = field == 5 ? .array(values) : .keyValueList(pairs)
            case 7:
                try c.require(wire, .lengthDelimited, field: "bytes_value")
                value = .bytes(Array(try c.bytes()))
            case 8:
                // string_value_strindex (profiles' string table): not used here, but its wire type is checked.
                try c.require(wire, .varint, field: "string_value_strindex")
                _ = try c.varint()
            default:
                try c.skip(wire)
            }
        }
        return value
    }
}

/// The strings of one request's attributes that do not fit a `String`'s inline storage (more than 15
/// UTF-8 bytes), remembered by their bytes: attribute keys and many values repeat on every data point
/// of a request, and a repeat then costs a comparison instead of an allocation. Holds at most
/// `capacity` strings (the most recent ones replace older ones in turn); one decoder, one thread.
final class RepeatedStrings {
    private static let capacity = 32
    private static let inlineLimit = 15
    private var entries: [(bytes: [UInt8], string: String)] = []
    private var next = 0

    /// The next length-delimited field as a string, as `ProtoWireCursor.string(field:)` reads it.
    func string(_ c: inout ProtoWireCursor, field: StaticString) throws(OTLPDecodeError) -> String {
        var peek = c
        let raw = try peek.bytes()
        guard raw.count > Self.inlineLimit else { return try c.string(field: field) }
        for entry in entries where entry.bytes.count == raw.count {
            if entry.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }) {
                c = peek
                return entry.string
            }
        }
        let value = try c.string(field: field)
        if entries.count < Self.capacity {
            entries.append((Array(raw), value))
        } else {
            entries[next] = (Array(raw), value)
            next = (next + 1) % Self.capacity
        }
        return value
    }
}
