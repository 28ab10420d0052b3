import Foundation
import PivotModel
import PivotWire
import SwiftProtobuf

/// Stored spans as Jaeger's query-service JSON (the UI model of `jaegertracing/jaeger`,
/// `model/json`), following the OTLP → Jaeger mapping of Jaeger's OTLP translator:
///
/// * one process per distinct resource (`p1`, `p2`, … in order of first use): `service.name` →
///   `serviceName` (`OTLPResourceNoServiceName` for a resource without attributes), the other resource
///   attributes → process tags;
/// * span tags, in this order: `otel.scope.name`, `otel.scope.version` (when non-empty), the span
///   attributes, `span.kind` (`server`/`client`/`producer`/`consumer`/`internal`; none for
///   unspecified), `otel.status_code` (`OK`/`ERROR`; none for unset), `error=true` (status error),
///   `otel.status_description` (non-empty status message), `w3c.tracestate` (non-empty trace state);
/// * tag types: string, bool, int64 (a string value beyond ±(2^53−1), as Jaeger does for
///   JavaScript), float64, binary (base64); arrays and maps become JSON text of type string;
/// * `startTime`, `duration` and log `timestamp` in microseconds (truncated);
/// * events → logs whose fields are `event` = the event name (unless an attribute is named `event`)
///   followed by the event attributes;
/// * the parent → a first `CHILD_OF` reference; links → `FOLLOWS_FROM` references (`CHILD_OF` when
///   the link has `opentracing.ref_type` = `child_of`; a link to the parent retypes that reference);
/// * `flags` = the low 8 bits of the OTLP span flags (the W3C trace flags; left out when 0);
/// * trace ids as Jaeger prints them: 16 hex digits when the high 8 bytes are zero, else 32.
public enum JaegerConversion {
    /// The process service name Jaeger uses for a resource without attributes.
    public static let noServiceName = "OTLPResourceNoServiceName"

    /// One Jaeger trace object: `{"traceID","spans":[...],"processes":{...},"warnings":null}`.
    /// `traceID` is used when `spans` is empty; otherwise the first span's trace id is printed.
    /// Spans keep their order. Throws when stored span, resource or scope bytes do not decode.
    public static func trace(
        traceID: [UInt8], resources: [SpanBatch.Resource], scopes: [SpanBatch.Scope], spans: [SpanBatch.Span]
    ) throws(TraceEncodingError) -> String {
        var processes = ProcessTable()
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("traceID")
        writer.string(jaegerTraceID(spans.first?.traceID ?? traceID))
        writer.key("spans")
        writer.beginArray()
        var decodedScopes: [Int: Opentelemetry_Proto_Common_V1_InstrumentationScope] = [:]
        for span in spans {
            let processID = try processes.id(forResource: span.resource, in: resources)
            let scope: Opentelemetry_Proto_Common_V1_InstrumentationScope
            if let cached = decodedScopes[span.scope] {
                scope = cached
            } else {
                let bytes = scopes.indices.contains(span.scope) ? scopes[span.scope].bytes : []
                scope = try decode(Opentelemetry_Proto_Common_V1_InstrumentationScope.self, bytes, what: "scope")
                decodedScopes[span.scope] = scope
            }
            let message = try decode(Opentelemetry_Proto_Trace_V1_Span.self, span.bytes, what: "span")
            writeSpan(message, scope: scope, processID: processID, to: &writer)
        }
        writer.endArray()
        writer.key("processes")
        writer.beginObject()
        for process in processes.ordered {
            writer.key(process.id)
            writer.beginObject()
            writer.key("serviceName")
            writer.string(process.serviceName)
            writer.key("tags")
            writer.raw(process.tagsJSON)
            writer.endObject()
        }
        writer.endObject()
        writer.key("warnings")
        writer.null()
        writer.endObject()
        return writer.text
    }

    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: [UInt8], what: String) throws(TraceEncodingError) -> M {
        do {
            return try M(serializedBytes: bytes)
        } catch {
            throw TraceEncodingError(code: .invalidProtobuf, message: "cannot decode stored \(what): \(error)")
        }
    }

    static func writeSpan(
        _ span: Opentelemetry_Proto_Trace_V1_Span, scope: Opentelemetry_Proto_Common_V1_InstrumentationScope,
        processID: String, to writer: inout JSONWriter
    ) {
        let traceID = jaegerTraceID(Array(span.traceID))
        writer.beginObject()
        writer.key("traceID")
        writer.string(traceID)
        writer.key("spanID")
        writer.string(jaegerSpanID(Array(span.spanID)))
        let flags = span.flags & 0xff
        if flags != 0 {
            writer.key("flags")
            writer.uint(UInt64(flags))
        }
        writer.key("operationName")
        writer.string(span.name)
        writer.key("references")
        writeReferences(span, traceID: traceID, to: &writer)
        writer.key("startTime")
        writer.uint(span.startTimeUnixNano / 1000)
        writer.key("duration")
        writer.uint(span.endTimeUnixNano >= span.startTimeUnixNano ? (span.endTimeUnixNano - span.startTimeUnixNano) / 1000 : 0)
        writer.key("tags")
        writer.beginArray()
        if !scope.name.isEmpty { writeTag("otel.scope.name", string: scope.name, to: &writer) }
        if !scope.version.isEmpty { writeTag("otel.scope.version", string: scope.version, to: &writer) }
        for attribute in span.attributes { writeTag(attribute, to: &writer) }
        if let kind = spanKindTag(span.kind) { writeTag("span.kind", string: kind, to: &writer) }
        switch span.status.code {
        case .ok:
            writeTag("otel.status_code", string: "OK", to: &writer)
        case .error:
            writeTag("otel.status_code", string: "ERROR", to: &writer)
            writer.beginObject()
            writer.key("key")
            writer.string("error")
            writer.key("type")
            writer.string("bool")
            writer.key("value")
            writer.bool(true)
            writer.endObject()
        default:
            break
        }
        if !span.status.message.isEmpty { writeTag("otel.status_description", string: span.status.message, to: &writer) }
        if !span.traceState.isEmpty { writeTag("w3c.tracestate", string: span.traceState, to: &writer) }
        writer.endArray()
        writer.key("logs")
        writer.beginArray()
        for event in span.events {
            writer.beginObject()
            writer.key("timestamp")
            writer.uint(event.timeUnixNano / 1000)
            writer.key("fields")
            writer.beginArray()
            if !event.name.isEmpty, !event.attributes.contains(where: { $0.key == "event" }) {
                writeTag("event", string: event.name, to: &writer)
            }
            for attribute in event.attributes { writeTag(attribute, to: &writer) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("processID")
        writer.string(processID)
        writer.key("warnings")
        writer.null()
        writer.endObject()
    }

    static func writeReferences(_ span: Opentelemetry_Proto_Trace_V1_Span, traceID: String, to writer: inout JSONWriter) {
        struct Reference {
            var refType: String
            var traceID: String
            var spanID: String
        }
        var references: [Reference] = []
        let parent = span.parentSpanID.allSatisfy({ $0 == 0 }) ? nil : jaegerSpanID(Array(span.parentSpanID))
        if let parent { references.append(Reference(refType: "CHILD_OF", traceID: traceID, spanID: parent)) }
        for link in span.links {
            let refTypeAttribute = link.attributes.first(where: { $0.key == "opentracing.ref_type" })?.value.stringValue
            let refType = refTypeAttribute == "child_of" ? "CHILD_OF" : "FOLLOWS_FROM"
            let linkTraceID = jaegerTraceID(Array(link.traceID))
            let linkSpanID = jaegerSpanID(Array(link.spanID))
            if let parent, linkTraceID == traceID, linkSpanID == parent {
                references[0].refType = refType
                continue
            }
            references.append(Reference(refType: refType, traceID: linkTraceID, spanID: linkSpanID))
        }
        writer.beginArray()
        for reference in references {
            writer.beginObject()
            writer.key("refType")
            writer.string(reference.refType)
            writer.key("traceID")
            writer.string(reference.traceID)
            writer.key("spanID")
            writer.string(reference.spanID)
            writer.endObject()
        }
        writer.endArray()
    }

    static func spanKindTag(_ kind: Opentelemetry_Proto_Trace_V1_Span.SpanKind) -> String? {
        switch kind {
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        case .internal: "internal"
        default: nil
        }
    }

    static func writeTag(_ key: String, string value: String, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("key")
        writer.string(key)
        writer.key("type")
        writer.string("string")
        writer.key("value")
        writer.string(value)
        writer.endObject()
    }

    /// Largest integer JavaScript represents exactly (2^53 − 1); Jaeger prints larger int64 tags as strings.
    static let maxSafeInteger: Int64 = 9_007_199_254_740_991

    static func writeTag(_ attribute: Opentelemetry_Proto_Common_V1_KeyValue, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("key")
        writer.string(attribute.key)
        writer.key("type")
        switch attribute.value.value {
        case .boolValue(let b):
            writer.string("bool")
            writer.key("value")
            writer.bool(b)
        case .intValue(let i):
            writer.string("int64")
            writer.key("value")
            if i > maxSafeInteger || i < -maxSafeInteger { writer.string(String(i)) } else { writer.int(i) }
        case .doubleValue(let d):
            writer.string("float64")
            writer.key("value")
            writer.double(d)
        case .bytesValue(let data):
            writer.string("binary")
            writer.key("value")
            writer.string(data.base64EncodedString())
        case .stringValue(let s):
            writer.string("string")
            writer.key("value")
            writer.string(s)
        case .arrayValue, .kvlistValue:
            writer.string("string")
            writer.key("value")
            var inner = JSONWriter()
            AnyValueJSON.write(attribute.value, to: &inner)
            writer.string(inner.text)
        case .stringValueStrindex, nil:
            writer.string("string")
            writer.key("value")
            writer.string("")
        }
        writer.endObject()
    }

    /// Jaeger's trace id text: the low 8 bytes as 16 hex digits when the high 8 bytes are zero,
    /// otherwise all 32 digits.
    public static func jaegerTraceID(_ bytes: [UInt8]) -> String {
        let full = TraceID.hex(bytes)
        if full.count == 32, full.hasPrefix("0000000000000000") { return String(full.dropFirst(16)) }
        return full
    }

    static func jaegerSpanID(_ bytes: [UInt8]) -> String { TraceID.spanHex(bytes) }
}
