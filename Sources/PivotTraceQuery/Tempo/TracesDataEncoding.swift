import PivotModel

/// Writes a stored trace back out as OTLP `TracesData` protobuf bytes (wire-identical to Tempo's
/// `Trace`), assembled from the stored resource, scope and span bytes without re-encoding them, so
/// every field the sender wrote (unknown ones included) is returned byte for byte.
///
/// Schema written (field numbers from `opentelemetry/proto/trace/v1/trace.proto`):
/// ```
/// TracesData    { repeated ResourceSpans resource_spans = 1; }
/// ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
/// ScopeSpans    { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
/// ```
/// Spans are grouped by resource index, then by scope index, each in order of first appearance;
/// within a group the spans keep their order. A resource or scope whose stored bytes are empty is
/// written without its field (an absent message).
public enum TracesDataEncoding {
    /// `TracesData` bytes for `spans`, whose `resource` and `scope` index `resources` and `scopes`.
    /// A span whose index is out of range is grouped under an absent resource or scope.
    public static func tracesData(
        resources: [SpanBatch.Resource], scopes: [SpanBatch.Scope], spans: [SpanBatch.Span]
    ) -> [UInt8] {
        var out: [UInt8] = []
        for group in groups(spans: spans) {
            let resource = resources.indices.contains(group.resource) ? resources[group.resource] : nil
            var resourceSpans: [UInt8] = []
            if let resource, !resource.bytes.isEmpty {
                ProtobufWriting.appendBytesField(1, resource.bytes, to: &resourceSpans)
            }
            for scopeGroup in group.scopes {
                let scope = scopes.indices.contains(scopeGroup.scope) ? scopes[scopeGroup.scope] : nil
                var scopeSpans: [UInt8] = []
                if let scope, !scope.bytes.isEmpty {
                    ProtobufWriting.appendBytesField(1, scope.bytes, to: &scopeSpans)
                }
                for spanIndex in scopeGroup.spans {
                    ProtobufWriting.appendBytesField(2, spans[spanIndex].bytes, to: &scopeSpans)
                }
                if let scope, !scope.schemaURL.isEmpty {
                    ProtobufWriting.appendBytesField(3, Array(scope.schemaURL.utf8), to: &scopeSpans)
                }
                ProtobufWriting.appendBytesField(2, scopeSpans, to: &resourceSpans)
            }
            if let resource, !resource.schemaURL.isEmpty {
                ProtobufWriting.appendBytesField(3, Array(resource.schemaURL.utf8), to: &resourceSpans)
            }
            ProtobufWriting.appendBytesField(1, resourceSpans, to: &out)
        }
        return out
    }

    /// Tempo's partial-trace status in `TraceByIDResponse.status`.
    public enum PartialStatus: Int32, Sendable {
        case complete = 0
        case partial = 1
    }

    /// Tempo v2 `TraceByIDResponse` bytes:
    /// `{ Trace trace = 1; TraceByIDMetrics metrics = 2; PartialStatus status = 3; string message = 4; }`.
    /// Field 1 is always written, even for an empty trace (Grafana reads `trace.resourceSpans` and
    /// fails on a missing field); `metrics` is omitted; `status` and `message` only when not default.
    public static func traceByIDResponse(
        tracesData: [UInt8], status: PartialStatus = .complete, message: String = ""
    ) -> [UInt8] {
        var out: [UInt8] = []
        ProtobufWriting.appendBytesField(1, tracesData, to: &out)
        if status != .complete {
            ProtobufWriting.appendVarintField(3, UInt64(status.rawValue), to: &out)
        }
        if !message.isEmpty {
            ProtobufWriting.appendBytesField(4, Array(message.utf8), to: &out)
        }
        return out
    }

    struct ScopeGroup {
        var scope: Int
        var spans: [Int]
    }

    struct ResourceGroup {
        var resource: Int
        var scopes: [ScopeGroup]
    }

    /// Span indices grouped by resource then scope, in order of first appearance.
    static func groups(spans: [SpanBatch.Span]) -> [ResourceGroup] {
        var result: [ResourceGroup] = []
        var resourcePosition: [Int: Int] = [:]
        var scopePosition: [Int: [Int: Int]] = [:]
        for (index, span) in spans.enumerated() {
            let r: Int
            if let existing = resourcePosition[span.resource] {
                r = existing
            } else {
                r = result.count
                resourcePosition[span.resource] = r
                result.append(ResourceGroup(resource: span.resource, scopes: []))
            }
            if let s = scopePosition[r]?[span.scope] {
                result[r].scopes[s].spans.append(index)
            } else {
                scopePosition[r, default: [:]][span.scope] = result[r].scopes.count
                result[r].scopes.append(ScopeGroup(scope: span.scope, spans: [index]))
            }
        }
        return result
    }
}
