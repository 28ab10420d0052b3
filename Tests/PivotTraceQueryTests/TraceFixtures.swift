import Foundation
import PivotModel
import PivotWire
import SwiftProtobuf

typealias PBTracesData = Opentelemetry_Proto_Trace_V1_TracesData
typealias PBResourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans
typealias PBScopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans
typealias PBSpan = Opentelemetry_Proto_Trace_V1_Span
typealias PBKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias PBAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// The stored pieces of a trace, as the trace store hands them out.
struct StoredParts {
    var resources: [SpanBatch.Resource] = []
    var scopes: [SpanBatch.Scope] = []
    var spans: [SpanBatch.Span] = []

    /// Splits `data` the way ingest does: one stored resource per `ResourceSpans`, one scope per `ScopeSpans`.
    init(_ data: PBTracesData) throws {
        for rs in data.resourceSpans {
            let resourceIndex = resources.count
            let attributes = rs.resource.attributes.map(spanAttribute)
            let service = rs.resource.attributes.first(where: { $0.key == "service.name" })?.value.stringValue ?? ""
            resources.append(
                SpanBatch.Resource(
                    bytes: rs.hasResource ? try rs.resource.serializedBytes() : [], schemaURL: rs.schemaURL, serviceName: service,
                    attributes: attributes))
            for ss in rs.scopeSpans {
                let scopeIndex = scopes.count
                scopes.append(
                    SpanBatch.Scope(
                        bytes: ss.hasScope ? try ss.scope.serializedBytes() : [], schemaURL: ss.schemaURL, name: ss.scope.name,
                        version: ss.scope.version))
                for span in ss.spans {
                    spans.append(
                        SpanBatch.Span(
                            traceID: Array(span.traceID), spanID: Array(span.spanID), parentSpanID: Array(span.parentSpanID), name: span.name,
                            kind: Int32(span.kind.rawValue), startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: span.endTimeUnixNano,
                            statusCode: Int32(span.status.code.rawValue), attributes: span.attributes.map(spanAttribute),
                            resource: resourceIndex, scope: scopeIndex, bytes: try span.serializedBytes()))
                }
            }
        }
    }
}

func spanAttribute(_ kv: PBKeyValue) -> SpanAttribute {
    let value: SpanAttribute.Value =
        switch kv.value.value {
        case .stringValue(let s): .string(s)
        case .intValue(let i): .int(i)
        case .doubleValue(let d): .double(d)
        case .boolValue(let b): .bool(b)
        default: .other("")
        }
    return SpanAttribute(key: kv.key, value: value)
}

func kv(_ key: String, _ value: PBAnyValue) -> PBKeyValue {
    var k = PBKeyValue()
    k.key = key
    k.value = value
    return k
}

func str(_ s: String) -> PBAnyValue { var v = PBAnyValue(); v.stringValue = s; return v }
func int(_ i: Int64) -> PBAnyValue { var v = PBAnyValue(); v.intValue = i; return v }
func dbl(_ d: Double) -> PBAnyValue { var v = PBAnyValue(); v.doubleValue = d; return v }
func bool(_ b: Bool) -> PBAnyValue { var v = PBAnyValue(); v.boolValue = b; return v }
func bytes(_ b: [UInt8]) -> PBAnyValue { var v = PBAnyValue(); v.bytesValue = Data(b); return v }
func array(_ values: [PBAnyValue]) -> PBAnyValue {
    var v = PBAnyValue()
    v.arrayValue = Opentelemetry_Proto_Common_V1_ArrayValue.with { $0.values = values }
    return v
}
func kvlist(_ values: [PBKeyValue]) -> PBAnyValue {
    var v = PBAnyValue()
    v.kvlistValue = Opentelemetry_Proto_Common_V1_KeyValueList.with { $0.values = values }
    return v
}

func hexBytes(_ hex: String) -> Data {
    var out = Data()
    var chars = Array(hex.utf8)[...]
    while chars.count >= 2 {
        out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
        chars = chars.dropFirst(2)
    }
    return out
}

/// A two-service trace that uses every span field: events, links, status, trace state, flags,
/// dropped counts and attribute values of every type.
func richTrace() -> PBTracesData {
    let traceID = hexBytes("4bf92f3577b34da6a3ce929d0e0e4736")
    let root = PBSpan.with {
        $0.traceID = traceID
        $0.spanID = hexBytes("00f067aa0ba902b7")
        $0.name = "GET /users"
        $0.kind = .server
        $0.startTimeUnixNano = 1_700_000_000_123_456_789
        $0.endTimeUnixNano = 1_700_000_000_125_802_000
        $0.flags = 0x301
        $0.traceState = "vendor=x"
        $0.attributes = [
            kv("http.method", str("GET")), kv("http.status_code", int(200)), kv("ratio", dbl(0.25)), kv("cached", bool(false)),
            kv("raw", bytes([0xde, 0xad, 0xbe, 0xef])), kv("list", array([str("a"), int(1)])),
            kv("map", kvlist([kv("z", str("last")), kv("a", bool(true))])),
        ]
        $0.droppedAttributesCount = 2
        $0.events = [
            PBSpan.Event.with {
                $0.timeUnixNano = 1_700_000_000_124_000_000
                $0.name = "cache miss"
                $0.attributes = [kv("key", str("user:1"))]
                $0.droppedAttributesCount = 1
            }
        ]
        $0.droppedEventsCount = 3
        $0.links = [
            PBSpan.Link.with {
                $0.traceID = hexBytes("0000000000000000a3ce929d0e0e4736")
                $0.spanID = hexBytes("1111111111111111")
                $0.traceState = "linked=1"
                $0.attributes = [kv("reason", str("batch"))]
                $0.flags = 1
            }
        ]
        $0.droppedLinksCount = 4
        $0.status = Opentelemetry_Proto_Trace_V1_Status.with { $0.code = .ok }
    }
    let child = PBSpan.with {
        $0.traceID = traceID
        $0.spanID = hexBytes("2222222222222222")
        $0.parentSpanID = hexBytes("00f067aa0ba902b7")
        $0.name = "SELECT users"
        $0.kind = .client
        $0.startTimeUnixNano = 1_700_000_000_124_000_000
        $0.endTimeUnixNano = 1_700_000_000_125_000_000
        $0.attributes = [kv("db.system", str("postgresql")), kv("big", int(9_007_199_254_740_993))]
        $0.status = Opentelemetry_Proto_Trace_V1_Status.with {
            $0.code = .error
            $0.message = "connection reset"
        }
    }
    let db = PBSpan.with {
        $0.traceID = traceID
        $0.spanID = hexBytes("3333333333333333")
        $0.parentSpanID = hexBytes("2222222222222222")
        $0.name = "query"
        $0.kind = .internal
        $0.startTimeUnixNano = 1_700_000_000_124_100_000
        $0.endTimeUnixNano = 1_700_000_000_124_900_000
    }
    return PBTracesData.with {
        $0.resourceSpans = [
            PBResourceSpans.with {
                $0.resource = Opentelemetry_Proto_Resource_V1_Resource.with {
                    $0.attributes = [kv("service.name", str("api")), kv("host.name", str("h1"))]
                    $0.droppedAttributesCount = 5
                }
                $0.schemaURL = "https://opentelemetry.io/schemas/1.21.0"
                $0.scopeSpans = [
                    PBScopeSpans.with {
                        $0.scope = Opentelemetry_Proto_Common_V1_InstrumentationScope.with {
                            $0.name = "io.opentelemetry.http"
                            $0.version = "1.2.3"
                            $0.attributes = [kv("scope.attr", str("s"))]
                        }
                        $0.schemaURL = "https://opentelemetry.io/schemas/1.20.0"
                        $0.spans = [root]
                    },
                    PBScopeSpans.with {
                        $0.scope = Opentelemetry_Proto_Common_V1_InstrumentationScope.with { $0.name = "io.opentelemetry.jdbc" }
                        $0.spans = [child]
                    },
                ]
            },
            PBResourceSpans.with {
                $0.resource = Opentelemetry_Proto_Resource_V1_Resource.with {
                    $0.attributes = [kv("service.name", str("db")), kv("replica", int(2))]
                }
                $0.scopeSpans = [PBScopeSpans.with { $0.spans = [db] }]
            },
        ]
    }
}

/// The directory of this test target (for golden files).
func testDirectory(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent()
}
