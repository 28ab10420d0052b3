/// Checks the fields the traces decoder keeps as bytes without reading them (span trace state, events,
/// links, flags and dropped counts; resource entity refs; scope attributes), so that every stored span,
/// resource and scope is a valid message for any protobuf reader serving it later: a known field has
/// its declared wire type, strings are UTF-8, attributes are valid `KeyValue`s, and known sub-messages
/// are valid in turn. Unknown fields are skipped by wire type, as protobuf allows.
struct StoredMessageCheck {
    let attributes: AttributeDecoder

    /// What one known field must hold.
    enum Expected {
        case varint, fixed32, fixed64, bytes, string, keyValue, event, link, entityRef
    }

    /// Checks one field's value whose tag was read; `name` is used in the error.
    func check(_ c: inout ProtoWireCursor, _ wire: ProtoWireCursor.WireType, _ expected: Expected, field name: StaticString) throws(OTLPDecodeError) {
        switch expected {
        case .varint:
            try c.require(wire, .varint, field: name)
            _ = try c.varint()
        case .fixed32:
            try c.require(wire, .fixed32, field: name)
            _ = try c.fixed32()
        case .fixed64:
            try c.require(wire, .fixed64, field: name)
            _ = try c.fixed64()
        case .bytes:
            try c.require(wire, .lengthDelimited, field: name)
            _ = try c.skipBytes()
        case .string:
            try c.require(wire, .lengthDelimited, field: name)
            _ = try c.string(field: name)
        case .keyValue:
            try c.require(wire, .lengthDelimited, field: name)
            var child = try c.message()
            _ = try attributes.keyValue(&child, depth: 0)
        case .event, .link, .entityRef:
            try c.require(wire, .lengthDelimited, field: name)
            var child = try c.message()
            try message(&child, expected)
        }
    }

    // Span.Event { 1: fixed64 time_unix_nano; 2: string name; 3: repeated KeyValue attributes; 4: uint32 dropped_attributes_count }
    // Span.Link { 1: bytes trace_id; 2: bytes span_id; 3: string trace_state; 4: repeated KeyValue attributes;
    //             5: uint32 dropped_attributes_count; 6: fixed32 flags }
    // EntityRef { 1: string schema_url; 2: string type; 3: repeated string id_keys; 4: repeated string description_keys }
    private func message(_ c: inout ProtoWireCursor, _ kind: Expected) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch (kind, field) {
            case (.event, 1): try check(&c, wire, .fixed64, field: "event.time_unix_nano")
            case (.event, 2): try check(&c, wire, .string, field: "event.name")
            case (.event, 3): try check(&c, wire, .keyValue, field: "event.attributes")
            case (.event, 4): try check(&c, wire, .varint, field: "event.dropped_attributes_count")
            case (.link, 1): try check(&c, wire, .bytes, field: "link.trace_id")
            case (.link, 2): try check(&c, wire, .bytes, field: "link.span_id")
            case (.link, 3): try check(&c, wire, .string, field: "link.trace_state")
            case (.link, 4): try check(&c, wire, .keyValue, field: "link.attributes")
            case (.link, 5): try check(&c, wire, .varint, field: "link.dropped_attributes_count")
            case (.link, 6): try check(&c, wire, .fixed32, field: "link.flags")
            case (.entityRef, 1...4): try check(&c, wire, .string, field: "entity_ref strings")
            default: try c.skip(wire)
            }
        }
    }
}
