import PivotModel

/// What decoding a trace export produced: the spans to store, and the spans that cannot be stored
/// with the reasons (answered as `partial_success.rejected_spans`).
public struct OTLPTracesDecoded: Sendable {
    public var batch: SpanBatch
    public var rejectedSpans: Int
    public var rejectionReasons: [String]

    public init(batch: SpanBatch = SpanBatch(), rejectedSpans: Int = 0, rejectionReasons: [String] = []) {
        self.batch = batch
        self.rejectedSpans = rejectedSpans
        self.rejectionReasons = rejectionReasons
    }

    public var errorMessage: String { rejectionReasons.joined(separator: "; ") }

    mutating func reject(_ reason: String) {
        rejectedSpans += 1
        if rejectionReasons.count < 8, !rejectionReasons.contains(reason) { rejectionReasons.append(reason) }
    }
}

/// Decodes a serialized `ExportTraceServiceRequest` into a `SpanBatch`, keeping every span, resource
/// and scope as the bytes that arrived (lossless by construction) and reading only the fields the
/// trace store indexes: ids, name, kind, times, status code, attributes, `service.name`.
///
/// Fields kept only as bytes (events, links, trace state, scope attributes, …) are checked against the
/// schema too (`StoredMessageCheck`), so every stored span, resource and scope reads back with any
/// protobuf library.
///
/// A span whose trace id is not 16 bytes (or is all zeros) or whose span id is not 8 bytes (or is all
/// zeros), or whose parent span id is neither empty nor 8 bytes, cannot be looked up and is rejected
/// on its own; a body that is not a valid message fails as a whole (`OTLPDecodeError`).
public struct OTLPTracesProtobufDecoder: Sendable {
    /// How deeply `AnyValue` arrays and key-value lists may nest. Default 32.
    public var maxAnyValueDepth: Int

    public init(maxAnyValueDepth: Int = 32) {
        self.maxAnyValueDepth = maxAnyValueDepth
    }

    public func decode(_ bytes: [UInt8]) throws(OTLPDecodeError) -> OTLPTracesDecoded {
        try ProtoWireCursor.reading(bytes) { raw throws(OTLPDecodeError) in try decode(raw) }
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodeError) -> OTLPTracesDecoded {
        var result = OTLPTracesDecoded()
        let attributes = AttributeDecoder(maxDepth: maxAnyValueDepth)
        try ProtoWireCursor.eachResource(in: bytes, field: "resource_spans") { child throws(OTLPDecodeError) in
            try resourceSpans(&child, attributes, into: &result)
        }
        return result
    }

    private typealias Cursor = ProtoWireCursor

    // ResourceSpans { 1: Resource resource; 2: repeated ScopeSpans scope_spans; 3: string schema_url }
    private func resourceSpans(_ c: inout Cursor, _ decoder: AttributeDecoder, into result: inout OTLPTracesDecoded) throws(OTLPDecodeError) {
        var resource = SpanBatch.Resource(bytes: [], serviceName: "", attributes: [])
        var scopes: [Cursor] = []
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "resource")
                var (child, bytes) = try c.messageAndBytes()
                resource.bytes = Array(bytes)
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    switch inner {
                    case 1:
                        try child.require(innerWire, .lengthDelimited, field: "resource.attributes")
                        var kv = try child.message()
                        let attribute = SpanAttributes.attribute(try decoder.keyValue(&kv, depth: 0))
                        if attribute.key == "service.name", case .string(let name) = attribute.value { resource.serviceName = name }
                        resource.attributes.append(attribute)
                    case 2: try stored(decoder).check(&child, innerWire, .varint, field: "resource.dropped_attributes_count")
                    case 3: try stored(decoder).check(&child, innerWire, .entityRef, field: "resource.entity_refs")
                    default: try child.skip(innerWire)
                    }
                }
            case 2:
                try c.require(wire, .lengthDelimited, field: "scope_spans")
                scopes.append(try c.message())
            case 3:
                try c.require(wire, .lengthDelimited, field: "schema_url")
                resource.schemaURL = try c.string(field: "schema_url")
            default:
                try c.skip(wire)
            }
        }
        // The resource is complete only after the whole message (fields may come in any order).
        let resourceIndex = result.batch.resources.count
        var usedResource = false
        for var scope in scopes {
            if try scopeSpans(&scope, decoder, resource: resourceIndex, into: &result) { usedResource = true }
        }
        if usedResource { result.batch.resources.append(resource) }
    }

    // ScopeSpans { 1: InstrumentationScope scope; 2: repeated Span spans; 3: string schema_url }
    /// Returns whether a span of this scope was kept (the scope is then added).
    private func scopeSpans(
        _ c: inout Cursor, _ decoder: AttributeDecoder, resource: Int, into result: inout OTLPTracesDecoded
    ) throws(OTLPDecodeError) -> Bool {
        var scope = SpanBatch.Scope(bytes: [])
        var spans: [SpanBatch.Span] = []
        let scopeIndex = result.batch.scopes.count
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "scope")
                var (child, bytes) = try c.messageAndBytes()
                scope.bytes = Array(bytes)
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    switch inner {
                    case 1:
                        try child.require(innerWire, .lengthDelimited, field: "scope.name")
                        scope.name = try child.string(field: "scope.name")
                    case 2:
                        try child.require(innerWire, .lengthDelimited, field: "scope.version")
                        scope.version = try child.string(field: "scope.version")
                    case 3: try stored(decoder).check(&child, innerWire, .keyValue, field: "scope.attributes")
                    case 4: try stored(decoder).check(&child, innerWire, .varint, field: "scope.dropped_attributes_count")
                    default:
                        try child.skip(innerWire)
                    }
                }
            case 2:
                try c.require(wire, .lengthDelimited, field: "spans")
                var (child, bytes) = try c.messageAndBytes()
                let start = child.position
                switch try span(&child, decoder, bytes: bytes, resource: resource, scope: scopeIndex) {
                case .success(let span): spans.append(span)
                case .failure(let reason): result.reject("span at byte \(start): \(reason)")
                }
            case 3:
                try c.require(wire, .lengthDelimited, field: "schema_url")
                scope.schemaURL = try c.string(field: "schema_url")
            default:
                try c.skip(wire)
            }
        }
        guard !spans.isEmpty else { return false }
        result.batch.scopes.append(scope)
        result.batch.spans.append(contentsOf: spans)
        return true
    }

    struct Rejection: Error {
        var reason: String
    }

    private func span(
        _ c: inout Cursor, _ decoder: AttributeDecoder, bytes: UnsafeRawBufferPointer, resource: Int, scope: Int
    ) throws(OTLPDecodeError) -> Result<SpanBatch.Span, Rejection> {
        var span = SpanBatch.Span(
            traceID: [], spanID: [], name: "", startTimeUnixNano: 0, endTimeUnixNano: 0, resource: resource, scope: scope,
            bytes: Array(bytes))
        var attributeCount = 0
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "trace_id")
                span.traceID = Array(try c.bytes())
            case 2:
                try c.require(wire, .lengthDelimited, field: "span_id")
                span.spanID = Array(try c.bytes())
            case 4:
                try c.require(wire, .lengthDelimited, field: "parent_span_id")
                span.parentSpanID = Array(try c.bytes())
            case 5:
                try c.require(wire, .lengthDelimited, field: "name")
                span.name = try c.string(field: "name")
            case 6:
                try c.require(wire, .varint, field: "kind")
                span.kind = Int32(truncatingIfNeeded: try c.varint())
            case 7:
                try c.require(wire, .fixed64, field: "start_time_unix_nano")
                span.startTimeUnixNano = try c.fixed64()
            case 8:
                try c.require(wire, .fixed64, field: "end_time_unix_nano")
                span.endTimeUnixNano = try c.fixed64()
            case 9:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var kv = try c.message()
                if attributeCount == 0 {
                    // The count's place (one byte below 128 attributes), and room for a typical span's.
                    span.attributeBytes.reserveCapacity(512)
                    span.attributeBytes.append(0)
                }
                try SpanAttributes.append(&kv, decoder: decoder, to: &span.attributeBytes)
                attributeCount += 1
            case 15:
                try c.require(wire, .lengthDelimited, field: "status")
                var status = try c.message()
                while !status.isAtEnd {
                    let (inner, innerWire) = try status.tag()
                    if inner == 3 {
                        try status.require(innerWire, .varint, field: "status.code")
                        span.statusCode = Int32(truncatingIfNeeded: try status.varint())
                    } else if inner == 2 {
                        try stored(decoder).check(&status, innerWire, .string, field: "status.message")
                    } else {
                        try status.skip(innerWire)
                    }
                }
            // trace_state, flags, dropped counts, events and links stay in the bytes; read to validate.
            case 3: try stored(decoder).check(&c, wire, .string, field: "trace_state")
            case 10: try stored(decoder).check(&c, wire, .varint, field: "dropped_attributes_count")
            case 11: try stored(decoder).check(&c, wire, .event, field: "events")
            case 12: try stored(decoder).check(&c, wire, .varint, field: "dropped_events_count")
            case 13: try stored(decoder).check(&c, wire, .link, field: "links")
            case 14: try stored(decoder).check(&c, wire, .varint, field: "dropped_links_count")
            case 16: try stored(decoder).check(&c, wire, .fixed32, field: "flags")
            default:
                try c.skip(wire)
            }
        }
        if attributeCount > 0 { AttributeEncoding.setCount(attributeCount, in: &span.attributeBytes) }
        if span.traceID.count != 16 || span.traceID.allSatisfy({ $0 == 0 }) {
            return .failure(Rejection(reason: "trace_id must be 16 bytes and not all zero (has \(span.traceID.count))"))
        }
        if span.spanID.count != 8 || span.spanID.allSatisfy({ $0 == 0 }) {
            return .failure(Rejection(reason: "span_id must be 8 bytes and not all zero (has \(span.spanID.count))"))
        }
        if !span.parentSpanID.isEmpty, span.parentSpanID.count != 8 {
            return .failure(Rejection(reason: "parent_span_id must be empty or 8 bytes (has \(span.parentSpanID.count))"))
        }
        return .success(span)
    }

    /// The checker for the fields kept as bytes without being read.
    private func stored(_ decoder: AttributeDecoder) -> StoredMessageCheck {
        StoredMessageCheck(attributes: decoder)
    }
}

/// OTLP attributes as the trace store indexes them.
enum SpanAttributes {
    /// Appends a `KeyValue` to an `AttributeEncoding`: straight from the request bytes when its value
    /// is one string, bool, int or double (nearly always); through `attribute(_:)` otherwise.
    static func append(_ kv: inout ProtoWireCursor, decoder: AttributeDecoder, to out: inout [UInt8]) throws(OTLPDecodeError) {
        let whole = kv
        var key = UnsafeRawBufferPointer(start: nil, count: 0)
        var value: ProtoWireCursor?
        while !kv.isAtEnd {
            let (field, wire) = try kv.tag()
            switch field {
            case 1:
                try kv.require(wire, .lengthDelimited, field: "key")
                key = try kv.utf8(field: "key")
            case 2 where value == nil:
                try kv.require(wire, .lengthDelimited, field: "value")
                value = try kv.message()
            default:
                // A second value (whose first must be checked too), key_strindex and unknown fields:
                // the full decoder checks and skips them.
                var again = whole
                return AttributeEncoding.appendAttribute(attribute(try decoder.keyValue(&again, depth: 0)), to: &out)
            }
        }
        if var value, try appendScalar(&value, key: key, to: &out) { return }
        var again = whole
        AttributeEncoding.appendAttribute(attribute(try decoder.keyValue(&again, depth: 0)), to: &out)
    }

    /// Appends the key and a value made of one scalar field; false (nothing appended) for anything else.
    private static func appendScalar(_ value: inout ProtoWireCursor, key: UnsafeRawBufferPointer, to out: inout [UInt8]) throws(OTLPDecodeError) -> Bool {
        guard !value.isAtEnd else { return false }
        let mark = out.count
        let (field, wire) = try value.tag()
        switch (field, wire) {
        case (1, .lengthDelimited):
            let text = try value.utf8(field: "string_value")
            AttributeEncoding.appendBytes(key, to: &out)
            out.append(AttributeEncoding.stringType)
            AttributeEncoding.appendBytes(text, to: &out)
        case (2, .varint):
            let flag = try value.varint() != 0
            AttributeEncoding.appendBytes(key, to: &out)
            out.append(AttributeEncoding.boolType)
            out.append(flag ? 1 : 0)
        case (3, .varint):
            let number = try value.varint()
            AttributeEncoding.appendBytes(key, to: &out)
            out.append(AttributeEncoding.intType)
            withUnsafeBytes(of: number.littleEndian) { out.append(contentsOf: $0) }
        case (4, .fixed64):
            let bits = try value.fixed64()
            AttributeEncoding.appendBytes(key, to: &out)
            out.append(AttributeEncoding.doubleType)
            withUnsafeBytes(of: bits.littleEndian) { out.append(contentsOf: $0) }
        default:
            return false
        }
        guard value.isAtEnd else {
            out.removeSubrange(mark...)
            return false
        }
        return true
    }

    static func attribute(_ attribute: OTLPAttribute) -> SpanAttribute {
        let value: SpanAttribute.Value =
            switch attribute.value {
            case .string(let text): .string(text)
            case .int(let number): .int(number)
            case .double(let number): .double(number)
            case .bool(let flag): .bool(flag)
            case .empty: .other("")
            default: .other(attribute.value.prometheusString)
            }
        return SpanAttribute(key: attribute.key, value: value)
    }
}
