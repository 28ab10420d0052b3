import PivotModel
import PivotOTLP
import PivotTraceQuery

/// The trace query inputs of the Tempo and Jaeger APIs: trace and span ids (`/api/traces/{id}`,
/// `/api/traces/{id}` of Jaeger), TraceQL `q`, Tempo's logfmt `tags`, Jaeger's JSON `tags`, and Go
/// durations (`minDuration`). Parsed queries are evaluated on a few spans.
enum TraceQueryFuzzing {
    static func traceID(_ input: UnsafeRawBufferPointer) {
        let text = FuzzInvariant.text(input)
        if let bytes = try? TraceID.parse(text) {
            FuzzInvariant.check(bytes.count == 16, "trace id of \(bytes.count) bytes from \(text)")
            let hex = TraceID.hex(bytes)
            FuzzInvariant.check(hex.utf8.count == 32, "trace id prints as \(hex)")
            FuzzInvariant.check((try? TraceID.parse(hex)) == bytes, "trace id \(hex) does not re-parse to its bytes")
            FuzzInvariant.check(hex == text.lowercased() || text.utf8.count < 32, "full-width id \(text) prints as \(hex)")
            _ = JaegerConversion.jaegerTraceID(bytes)
        }
        if let bytes = try? TraceID.parseSpanID(text) {
            FuzzInvariant.check(bytes.count == 8, "span id of \(bytes.count) bytes from \(text)")
            let hex = TraceID.spanHex(bytes)
            FuzzInvariant.check(hex.utf8.count == 16, "span id prints as \(hex)")
            FuzzInvariant.check((try? TraceID.parseSpanID(hex)) == bytes, "span id \(hex) does not re-parse to its bytes")
        }
    }

    static func traceQL(_ input: UnsafeRawBufferPointer) {
        let text = FuzzInvariant.text(input)
        if let query = try? TraceQLQuery.parse(text) {
            exercise(query)
        }
        if let query = try? TraceQLQuery.fromTempoTags(text) {
            exercise(query)
        }
        if let query = try? TraceQLQuery.fromJaegerTags(text) {
            exercise(query)
        }
        _ = GoDuration.nanoseconds(text)
    }

    private static func exercise(_ query: TraceQLQuery) {
        _ = query.attributeKeys
        let hints = query.hints
        if let low = hints.minSpanDurationNanos, let high = hints.maxSpanDurationNanos {
            _ = low <= high
        }
        for span in sample.spans {
            _ = query.matches(span: span, resource: sample.resources[span.resource])
        }
    }

    /// Spans with attributes of every value kind, decoded from OTLP/JSON once.
    static let sample: SpanBatch = {
        let json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}},
            {"key":"host","value":{"stringValue":"h1"}}]},"scopeSpans":[{"scope":{"name":"s"},"spans":[
            {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"GET /x","kind":2,
             "startTimeUnixNano":"1000","endTimeUnixNano":"5000000","status":{"code":2},
             "attributes":[{"key":"http.status_code","value":{"intValue":"500"}},{"key":"f","value":{"doubleValue":1.5}},
             {"key":"b","value":{"boolValue":true}},{"key":"s","value":{"stringValue":"abc"}},
             {"key":"l","value":{"arrayValue":{"values":[{"stringValue":"x"}]}}}]},
            {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331",
             "name":"db","kind":3,"startTimeUnixNano":"2000","endTimeUnixNano":"3000"}]}]}]}
            """
        return (try? OTLPTracesJSONDecoder().decode(Array(json.utf8)).batch) ?? SpanBatch()
    }()
}
