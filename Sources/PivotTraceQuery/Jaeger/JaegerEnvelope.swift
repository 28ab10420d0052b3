/// Jaeger's query-service response envelope (`structuredResponse`):
/// `{"data":…,"total":N,"limit":0,"offset":0,"errors":null|[{"code":N,"msg":"…"}]}`.
public enum JaegerEnvelope {
    /// Trace-by-id and search responses: `data` is the array of encoded trace objects (from
    /// `JaegerConversion.trace`), `total` 0 as Jaeger sends.
    public static func traces(_ traceObjects: [String]) -> String {
        envelope(total: 0) { writer in
            writer.beginArray()
            for trace in traceObjects { writer.raw(trace) }
            writer.endArray()
        }
    }

    /// `GET /api/services`: `data` the names, `total` their count.
    public static func services(_ names: [String]) -> String {
        strings(names)
    }

    /// `GET /api/services/{service}/operations`: `data` the span names, `total` their count.
    public static func operations(_ names: [String]) -> String {
        strings(names)
    }

    /// `GET /api/operations?service=&spanKind=`: `data` is `[{"name","spanKind"}]`, the kind written
    /// as in the `span.kind` tag (`server`, `client`, …; "" for unspecified).
    public static func operationsWithKind(_ operations: [(name: String, kind: Int32)]) -> String {
        envelope(total: operations.count) { writer in
            writer.beginArray()
            for operation in operations {
                writer.beginObject()
                writer.key("name")
                writer.string(operation.name)
                writer.key("spanKind")
                writer.string(spanKindName(operation.kind))
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// An error envelope: `data` null, `errors` one entry. `notFound()` is the 404 body for an unknown trace.
    public static func error(code: Int, message: String, traceID: String? = nil) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("data")
        writer.null()
        writeCounts(total: 0, to: &writer)
        writer.key("errors")
        writer.beginArray()
        writer.beginObject()
        writer.key("code")
        writer.int(Int64(code))
        writer.key("msg")
        writer.string(message)
        if let traceID {
            writer.key("traceID")
            writer.string(traceID)
        }
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.text
    }

    /// The HTTP 404 body for an unknown trace id, as Jaeger sends it.
    public static func notFound() -> String {
        error(code: 404, message: "trace not found")
    }

    /// `span.kind` text for an OTLP `SpanKind` number ("" for unspecified or unknown).
    public static func spanKindName(_ kind: Int32) -> String {
        switch kind {
        case 1: "internal"
        case 2: "server"
        case 3: "client"
        case 4: "producer"
        case 5: "consumer"
        default: ""
        }
    }

    static func strings(_ values: [String]) -> String {
        envelope(total: values.count) { writer in
            writer.beginArray()
            for value in values { writer.string(value) }
            writer.endArray()
        }
    }

    static func envelope(total: Int, data: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("data")
        data(&writer)
        writeCounts(total: total, to: &writer)
        writer.key("errors")
        writer.null()
        writer.endObject()
        return writer.text
    }

    static func writeCounts(total: Int, to writer: inout JSONWriter) {
        writer.key("total")
        writer.int(Int64(total))
        writer.key("limit")
        writer.int(0)
        writer.key("offset")
        writer.int(0)
    }
}
