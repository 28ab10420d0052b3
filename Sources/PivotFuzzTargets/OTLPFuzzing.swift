import PivotModel
import PivotOTLP
import PivotTraceQuery

/// OTLP/HTTP bodies through the calls `POST /v1/metrics`, `/v1/traces` and `/v1/logs` make: body
/// decompression with the route's default limit, the decoder for the content type, then what the
/// receiver does with the result (metrics translation; for spans, the encodings the trace read APIs
/// serve them in, which must accept every span the decoder accepted).
enum OTLPFuzzing {
    /// `OTLPRoutes.maxBodyBytes`'s default (`--otlp.max-body-bytes`).
    static let maxBodyBytes = 32 << 20

    /// A fixed "now" for translation, so a run depends only on its input.
    static let now: Int64 = 1_700_000_000_000

    static func metricsProtobuf(_ input: UnsafeRawBufferPointer) {
        guard let body = body(input) else { return }
        guard let request = try? OTLPMetricsProtobufDecoder().decode(body) else { return }
        translate(request)
    }

    static func tracesProtobuf(_ input: UnsafeRawBufferPointer) {
        guard let body = body(input) else { return }
        guard let decoded = try? OTLPTracesProtobufDecoder().decode(body) else { return }
        checkSpans(decoded)
    }

    /// The same JSON body as a metrics, a traces and a logs export.
    static func json(_ input: UnsafeRawBufferPointer) {
        guard let body = body(input) else { return }
        if let request = try? OTLPMetricsJSONDecoder().decode(body) {
            translate(request)
        }
        if let decoded = try? OTLPTracesJSONDecoder().decode(body) {
            checkSpans(decoded)
        }
        if let count = try? LogsRejection.countJSON(body) {
            FuzzInvariant.check(count >= 0, "negative log record count")
            _ = LogsRejection.jsonResponse(rejecting: count)
        }
    }

    /// The request body: gzip- or zlib-framed input is inflated as `Content-Encoding: gzip` / `deflate`
    /// would be (inputs are told apart by their magic bytes), anything else is the body as sent.
    static func body(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let bytes = Array(input)
        let encoding: String?
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b {
            encoding = "gzip"
        } else if bytes.count >= 2, bytes[0] & 0x0f == 8, (Int(bytes[0]) << 8 | Int(bytes[1])) % 31 == 0 {
            encoding = "deflate"
        } else {
            encoding = nil
        }
        do {
            let body = try HTTPBodyDecompression.decode(bytes, encoding: encoding, maxBytes: maxBodyBytes)
            FuzzInvariant.check(body.count <= maxBodyBytes, "decompressed \(body.count) bytes past the limit")
            return body
        } catch {
            return nil
        }
    }

    /// Translation as `OTLPMetricsReceiver.export` runs it, with a fresh translator (delta state
    /// starts empty for every input) and each delta option.
    static func translate(_ request: OTLPMetricsRequest) {
        for deltaConversion in [OTLPTranslationOptions.DeltaConversion.toCumulative, .reject] {
            let translator = OTLPMetricsTranslator(options: OTLPTranslationOptions(deltaConversion: deltaConversion))
            let result = translator.translate(request, now: now)
            FuzzInvariant.check(
                result.rejectedDataPoints >= 0 && result.rejectedDataPoints <= result.dataPoints,
                "\(result.rejectedDataPoints) rejected of \(result.dataPoints) data points")
            WriteBatchInvariants.check(result.batch, source: "OTLP translation")
        }
    }

    /// Accepted spans have lookup-able ids, and the trace read APIs can serve them (a span stored but
    /// not servable would answer every read of its trace with a 500).
    static func checkSpans(_ decoded: OTLPTracesDecoded) {
        let batch = decoded.batch
        FuzzInvariant.check(decoded.rejectedSpans >= 0, "negative rejected span count")
        for span in batch.spans {
            FuzzInvariant.check(span.traceID.count == 16 && span.spanID.count == 8, "accepted span with a malformed id")
            FuzzInvariant.check(
                span.parentSpanID.isEmpty || span.parentSpanID.count == 8, "accepted span with a malformed parent id")
            FuzzInvariant.check(
                batch.resources.indices.contains(span.resource) && batch.scopes.indices.contains(span.scope),
                "span resource or scope index out of range")
            for query in spanQueries {
                _ = query.matches(span: span, resource: batch.resources[span.resource])
            }
        }
        guard !batch.spans.isEmpty else { return }
        let tracesData = TracesDataEncoding.tracesData(resources: batch.resources, scopes: batch.scopes, spans: batch.spans)
        _ = TracesDataEncoding.traceByIDResponse(tracesData: tracesData)
        do {
            _ = try TracesDataEncoding.tracesDataJSON(tracesData)
            _ = try TracesDataEncoding.traceByIDResponseJSON(tracesData: tracesData)
            _ = try JaegerConversion.trace(
                traceID: batch.spans[0].traceID, resources: batch.resources, scopes: batch.scopes, spans: batch.spans)
        } catch {
            FuzzInvariant.check(false, "accepted spans cannot be served: \(error)")
        }
    }

    /// Queries evaluated on every accepted span, covering each field kind and operator family.
    static let spanQueries: [TraceQLQuery] = [
        "{}", "{ resource.service.name = \"api\" }", "{ span.http.status_code >= 500 }", "{ .a =~ \"x.*\" }",
        "{ name != \"GET\" && status = error }", "{ duration > 1ms || kind = server }", "{ .f < 1.5 }",
        "{ .b = true }", "{ .missing = nil }", "{ .s !~ \"a|b\" }",
    ].compactMap { try? TraceQLQuery.parse($0) }
}
