import Foundation
import PivotModel
import PivotOTLP
import PivotWire
import SwiftProtobuf
import Testing

typealias TraceExport = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias OTLPSpan = Opentelemetry_Proto_Trace_V1_Span

/// A span with every field set: ids, trace state, flags, kind, times, attributes of every value type,
/// events, links, status and dropped counts.
func fullSpan(trace: UInt8 = 0xaa, span: UInt8 = 1, parent: UInt8? = nil, name: String = "GET /checkout") -> OTLPSpan {
    func kv(_ key: String, _ set: (inout Opentelemetry_Proto_Common_V1_AnyValue) -> Void) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var pair = Opentelemetry_Proto_Common_V1_KeyValue()
        pair.key = key
        set(&pair.value)
        return pair
    }
    var s = OTLPSpan()
    s.traceID = Data(repeating: trace, count: 16)
    s.spanID = Data([0, 0, 0, 0, 0, 0, 0, span])
    if let parent { s.parentSpanID = Data([0, 0, 0, 0, 0, 0, 0, parent]) }
    s.traceState = "vendor=x"
    s.flags = 0x101
    s.name = name
    s.kind = .server
    s.startTimeUnixNano = 1_700_000_000_000_000_000 + UInt64(span) * 1_000
    s.endTimeUnixNano = 1_700_000_000_250_000_000
    s.attributes = [
        kv("http.method") { $0.stringValue = "GET" },
        kv("http.status_code") { $0.intValue = 500 },
        kv("ratio") { $0.doubleValue = 0.5 },
        kv("cached") { $0.boolValue = true },
        kv("raw") { $0.bytesValue = Data([1, 2, 3]) },
        kv("list") { value in
            var element = Opentelemetry_Proto_Common_V1_AnyValue()
            element.stringValue = "a"
            value.arrayValue.values = [element]
        },
        kv("map") { value in value.kvlistValue.values = [kv("inner") { $0.intValue = 1 }] },
    ]
    s.droppedAttributesCount = 2
    var event = OTLPSpan.Event()
    event.name = "exception"
    event.timeUnixNano = 1_700_000_000_100_000_000
    event.attributes = [kv("exception.message") { $0.stringValue = "boom" }]
    s.events = [event]
    s.droppedEventsCount = 1
    var link = OTLPSpan.Link()
    link.traceID = Data(repeating: 0xbb, count: 16)
    link.spanID = Data(repeating: 0xcc, count: 8)
    link.traceState = "k=v"
    s.links = [link]
    s.droppedLinksCount = 3
    s.status.code = .error
    s.status.message = "upstream failed"
    return s
}

func traceExport(_ spans: [OTLPSpan], service: String = "checkout") -> TraceExport {
    var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
    var name = Opentelemetry_Proto_Common_V1_KeyValue()
    name.key = "service.name"
    name.value.stringValue = service
    var host = Opentelemetry_Proto_Common_V1_KeyValue()
    host.key = "host.name"
    host.value.stringValue = "h1"
    resource.resource.attributes = [name, host]
    resource.schemaURL = "https://opentelemetry.io/schemas/1.24.0"
    var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
    scope.scope.name = "io.opentelemetry.http"
    scope.scope.version = "1.2.3"
    scope.schemaURL = "https://opentelemetry.io/schemas/1.21.0"
    scope.spans = spans
    resource.scopeSpans = [scope]
    var request = TraceExport()
    request.resourceSpans = [resource]
    return request
}

@Suite struct OTLPTracesDecoderTests {
    @Test func spansResourcesAndScopesKeepTheBytesThatArrived() throws {
        // Every span, resource and scope is the exact bytes of its message; indexed fields are read beside them.
        let spans = [fullSpan(span: 1), fullSpan(span: 2, parent: 1, name: "SELECT")]
        let request = traceExport(spans)
        let decoded = try OTLPTracesProtobufDecoder().decode(try request.serializedBytes() as [UInt8])
        #expect(decoded.rejectedSpans == 0)
        let batch = decoded.batch
        #expect(batch.resources.count == 1)
        #expect(batch.resources[0].bytes == (try request.resourceSpans[0].resource.serializedBytes() as [UInt8]))
        #expect(batch.resources[0].schemaURL == "https://opentelemetry.io/schemas/1.24.0")
        #expect(batch.resources[0].serviceName == "checkout")
        #expect(batch.scopes[0].bytes == (try request.resourceSpans[0].scopeSpans[0].scope.serializedBytes() as [UInt8]))
        #expect(batch.scopes[0].schemaURL == "https://opentelemetry.io/schemas/1.21.0")
        #expect(batch.scopes[0].name == "io.opentelemetry.http")
        #expect(batch.spans.map(\.bytes) == (try spans.map { try $0.serializedBytes() as [UInt8] }))
        let second = batch.spans[1]
        #expect(second.traceID == [UInt8](repeating: 0xaa, count: 16))
        #expect(second.spanID == [0, 0, 0, 0, 0, 0, 0, 2])
        #expect(second.parentSpanID == [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(second.name == "SELECT")
        #expect(second.kind == 2)
        #expect(second.statusCode == 2)
        #expect(second.durationNanos == 250_000_000 - 2_000)
        #expect(second.attributes.contains(SpanAttribute(key: "http.status_code", value: .int(500))))
        #expect(second.attributes.contains(SpanAttribute(key: "cached", value: .bool(true))))
        #expect(second.resource == 0 && second.scope == 0)
    }

    @Test func spansWithInvalidIdsAreRejectedAlone() throws {
        // A short trace id, an all-zero span id and a 3-byte parent are each rejected; the good span is kept.
        var shortTrace = fullSpan(span: 2)
        shortTrace.traceID = Data([1, 2, 3])
        var zeroSpan = fullSpan(span: 3)
        zeroSpan.spanID = Data(repeating: 0, count: 8)
        var badParent = fullSpan(span: 4)
        badParent.parentSpanID = Data([1, 2, 3])
        let request = traceExport([fullSpan(span: 1), shortTrace, zeroSpan, badParent])
        let decoded = try OTLPTracesProtobufDecoder().decode(try request.serializedBytes() as [UInt8])
        #expect(decoded.batch.spans.count == 1)
        #expect(decoded.rejectedSpans == 3)
        #expect(decoded.errorMessage.contains("trace_id must be 16 bytes"))
    }

    @Test func jsonExportsStoreTheSameBytesAsProtobuf() throws {
        // OTLP/JSON with hex ids (upper case here) becomes the same span bytes as the protobuf export.
        let request = traceExport([fullSpan(span: 1)])
        var json = try request.jsonString()
        // swift-protobuf writes ids as base64; the OTLP JSON mapping wants hex.
        for span in request.resourceSpans[0].scopeSpans[0].spans {
            for (id, count) in [(span.traceID, 16), (span.spanID, 8)] + span.links.flatMap({ [($0.traceID, 16), ($0.spanID, 8)] }) {
                _ = count
                json = json.replacingOccurrences(
                    of: "\"\(id.base64EncodedString())\"", with: "\"\(id.map { String(format: "%02X", $0) }.joined())\"")
            }
        }
        let fromJSON = try OTLPTracesJSONDecoder().decode(Array(json.utf8))
        let fromProtobuf = try OTLPTracesProtobufDecoder().decode(try request.serializedBytes() as [UInt8])
        #expect(fromJSON.batch.spans.map(\.bytes) == fromProtobuf.batch.spans.map(\.bytes))
        #expect(fromJSON.batch.resources == fromProtobuf.batch.resources)
    }

    @Test func theSpecificationsTraceExampleDecodes() throws {
        // ../shared/reference/otlp-examples/trace.json (upper-case hex ids) gives its one server span.
        var url = URL(fileURLWithPath: #filePath)
        var body: Data?
        while url.path != "/" {
            url.deleteLastPathComponent()
            if let data = FileManager.default.contents(atPath: url.path + "/shared/reference/otlp-examples/trace.json") {
                body = data
                break
            }
        }
        let decoded = try OTLPTracesJSONDecoder().decode(Array(try #require(body)))
        let span = try #require(decoded.batch.spans.first)
        #expect(span.traceID == [0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c])
        #expect(span.parentSpanID == [0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x73])
        #expect(span.name == "I'm a server span")
        #expect(span.kind == 2)
        #expect(decoded.batch.resources.first?.serviceName == "my.service")
        #expect(decoded.batch.scopes.first?.version == "1.0.0")
    }

    @Test func aJSONIdOfTheWrongLengthIsAnError() throws {
        // 31 hex digits is not a trace id: the request fails with .invalidID naming the key.
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60","spanId":"EEE19B7EC3C1B174"}]}]}]}"#
        let error = #expect(throws: OTLPDecodeError.self) { try OTLPTracesJSONDecoder().decode(Array(json.utf8)) }
        #expect(error?.code == .invalidID)
        #expect(error?.message.contains("traceId") == true)
    }

    /// `field` as a length-delimited protobuf field (tag, length, bytes).
    static func delimited(_ field: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [field << 3 | 2]
        var length = bytes.count
        while length >= 0x80 {
            out.append(UInt8(length & 0x7f) | 0x80)
            length >>= 7
        }
        return out + [UInt8(length)] + bytes
    }

    static let malformedStoredFields: [(what: String, span: [UInt8], scope: [UInt8], protobufRefuses: Bool)] = {
        let ids = delimited(1, [UInt8](repeating: 0xaa, count: 16)) + delimited(2, [0, 0, 0, 0, 0, 0, 0, 1])
        // KeyValue "l" whose AnyValue holds field 16 as fixed32 with one byte left (found by fuzzing).
        let truncatedValue = delimited(1, Array("l".utf8)) + delimited(2, [0x85, 0x01, 0x78])
        let link = ids + delimited(4, truncatedValue)
        return [
            ("a link attribute that ends inside a value", ids + delimited(13, link), [], true),
            ("a trace state that is not UTF-8", ids + delimited(3, [0xff]), [], true),
            ("an event name with the varint wire type", ids + delimited(11, [0x10, 0x01]), [], false),
            ("a status message that is not UTF-8", ids + delimited(15, delimited(2, [0xc3])), [], true),
            ("a flags field with the varint wire type", ids + [0x80, 0x01, 5], [], false),  // tag 16, wire type 0
            // Found by fuzzing: field 2^29 (key 2^32) was skipped as unknown, but no protobuf library reads it back.
            ("a field number above 2^29 - 1", ids + [0x80, 0x80, 0x80, 0x80, 0x10, 0], [], true),
            ("a scope attribute key that is not UTF-8", ids, delimited(3, delimited(1, [0xfe])), true),
        ]
    }()

    @Test(arguments: malformedStoredFields.indices)
    func fieldsKeptOnlyAsBytesMustStillBeValid(index: Int) throws {
        // A span or scope field the decoder stores without reading (found by fuzzing: a corrupt link
        // attribute was stored, and every read of the trace then failed) fails the request instead. A
        // known field with the wrong wire type is refused too, as everywhere in the decoder, although
        // swift-protobuf would keep it as an unknown field.
        let c = Self.malformedStoredFields[index]
        let scopeSpans = (c.scope.isEmpty ? [] : Self.delimited(1, c.scope)) + Self.delimited(2, c.span)
        let body = Self.delimited(1, Self.delimited(2, scopeSpans))
        #expect(throws: OTLPDecodeError.self, "\(c.what)") { try OTLPTracesProtobufDecoder().decode(body) }
        if c.protobufRefuses {
            #expect(throws: (any Error).self, "swift-protobuf refuses \(c.what) too") { try TraceExport(serializedBytes: body) }
        }
        // The same span without the bad field decodes.
        let ids = Self.delimited(1, [UInt8](repeating: 0xaa, count: 16)) + Self.delimited(2, [0, 0, 0, 0, 0, 0, 0, 1])
        let good = Self.delimited(1, Self.delimited(2, Self.delimited(2, ids)))
        #expect(try OTLPTracesProtobufDecoder().decode(good).batch.spans.count == 1)
    }
}
