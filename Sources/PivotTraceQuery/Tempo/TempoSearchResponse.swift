import PivotModel

/// Tempo's search response (`tempopb.SearchResponse` as Tempo's HTTP API prints it):
/// ```
/// {"traces":[{"traceID":"<32 hex>","rootServiceName":"api","rootTraceName":"GET /x",
///             "startTimeUnixNano":"<uint64 as string>","durationMs":12,
///             "spanSet":{…first span set…},
///             "spanSets":[{"spans":[{"spanID":"<16 hex>","name":"…","startTimeUnixNano":"…",
///                                    "durationNanos":"…","attributes":[OTLP KeyValue JSON]}],
///                          "matched":3}]}],
///  "metrics":{"inspectedTraces":N,"inspectedBytes":"N","inspectedSpans":"N","completedJobs":1,"totalJobs":1}}
/// ```
/// uint64 fields are strings and uint32 fields numbers (proto3 JSON); `durationMs` is always written
/// (Tempo leaves out zeros; clients treat a missing one as 0). Trace ids are padded to 32 digits,
/// as Tempo's frontend does.
public enum TempoSearchResponse {
    /// One matching span with the service name of its resource.
    public struct MatchedSpan: Sendable, Hashable {
        public var span: SpanBatch.Span
        public var serviceName: String

        public init(span: SpanBatch.Span, serviceName: String) {
            self.span = span
            self.serviceName = serviceName
        }
    }

    /// One trace found by a search.
    public struct Trace: Sendable, Hashable {
        public var traceID: [UInt8]
        public var rootServiceName: String
        public var rootTraceName: String
        public var startTimeUnixNano: UInt64
        /// Trace duration in nanoseconds; printed as whole milliseconds (truncated).
        public var durationNanos: UInt64
        /// The spans reported in the span set (at most `spss`).
        public var spans: [MatchedSpan]
        /// How many spans of the trace matched (≥ `spans.count`).
        public var matched: Int

        public init(
            traceID: [UInt8], rootServiceName: String, rootTraceName: String, startTimeUnixNano: UInt64,
            durationNanos: UInt64, spans: [MatchedSpan], matched: Int
        ) {
            self.traceID = traceID
            self.rootServiceName = rootServiceName
            self.rootTraceName = rootTraceName
            self.startTimeUnixNano = startTimeUnixNano
            self.durationNanos = durationNanos
            self.spans = spans
            self.matched = matched
        }
    }

    /// Search metrics reported beside the traces.
    public struct Metrics: Sendable, Hashable {
        public var inspectedTraces: Int
        public var inspectedBytes: UInt64
        public var inspectedSpans: UInt64

        public init(inspectedTraces: Int = 0, inspectedBytes: UInt64 = 0, inspectedSpans: UInt64 = 0) {
            self.inspectedTraces = inspectedTraces
            self.inspectedBytes = inspectedBytes
            self.inspectedSpans = inspectedSpans
        }
    }

    /// The response JSON. Each reported span lists the attributes named in `attributeKeys` that it
    /// has (span attributes; `service.name` from its resource), in that order — Tempo returns the
    /// attributes a query referenced.
    public static func json(traces: [Trace], metrics: Metrics, attributeKeys: [String] = []) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("traces")
        writer.beginArray()
        for trace in traces {
            writer.beginObject()
            writer.key("traceID")
            writer.string(TraceID.hex(trace.traceID))
            writer.key("rootServiceName")
            writer.string(trace.rootServiceName)
            writer.key("rootTraceName")
            writer.string(trace.rootTraceName)
            writer.key("startTimeUnixNano")
            writer.string(String(trace.startTimeUnixNano))
            writer.key("durationMs")
            writer.uint(trace.durationNanos / 1_000_000)
            if !trace.spans.isEmpty || trace.matched > 0 {
                var setWriter = JSONWriter()
                writeSpanSet(trace, attributeKeys: attributeKeys, to: &setWriter)
                writer.key("spanSet")
                writer.raw(setWriter.text)
                writer.key("spanSets")
                writer.beginArray()
                writer.raw(setWriter.text)
                writer.endArray()
            }
            writer.endObject()
        }
        writer.endArray()
        writer.key("metrics")
        writer.beginObject()
        writer.key("inspectedTraces")
        writer.int(Int64(metrics.inspectedTraces))
        writer.key("inspectedBytes")
        writer.string(String(metrics.inspectedBytes))
        writer.key("inspectedSpans")
        writer.string(String(metrics.inspectedSpans))
        writer.key("completedJobs")
        writer.int(1)
        writer.key("totalJobs")
        writer.int(1)
        writer.endObject()
        writer.endObject()
        return writer.text
    }

    static func writeSpanSet(_ trace: Trace, attributeKeys: [String], to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("spans")
        writer.beginArray()
        for matched in trace.spans {
            let span = matched.span
            writer.beginObject()
            writer.key("spanID")
            writer.string(TraceID.spanHex(span.spanID))
            writer.key("name")
            writer.string(span.name)
            writer.key("startTimeUnixNano")
            writer.string(String(span.startTimeUnixNano))
            writer.key("durationNanos")
            writer.string(String(span.durationNanos))
            writer.key("attributes")
            writer.beginArray()
            for key in attributeKeys {
                if key == "service.name" {
                    writeKeyValue(key, .string(matched.serviceName), to: &writer)
                } else if let value = span.attribute(key) {
                    writeKeyValue(key, value, to: &writer)
                }
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("matched")
        writer.int(Int64(trace.matched))
        writer.endObject()
    }

    /// An OTLP/JSON `KeyValue`: `{"key":"k","value":{"stringValue":"v"}}` (`intValue` as a string).
    static func writeKeyValue(_ key: String, _ value: SpanAttribute.Value, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("key")
        writer.string(key)
        writer.key("value")
        writer.beginObject()
        switch value {
        case .string(let s), .other(let s):
            writer.key("stringValue")
            writer.string(s)
        case .int(let i):
            writer.key("intValue")
            writer.string(String(i))
        case .double(let d):
            writer.key("doubleValue")
            writer.double(d)
        case .bool(let b):
            writer.key("boolValue")
            writer.bool(b)
        }
        writer.endObject()
        writer.endObject()
    }
}
