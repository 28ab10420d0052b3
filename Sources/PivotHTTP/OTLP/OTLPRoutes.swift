import HTTPTypes
import Hummingbird
import Metrics
import PivotIngest
import PivotOTLP
import PivotStorage
import PivotWire
import SwiftProtobuf

/// OTLP/HTTP: `POST /v1/metrics`, `POST /v1/traces` and `POST /v1/logs` (protobuf or JSON, optionally
/// gzip/deflate).
///
/// Metrics are translated and stored; spans go to the trace store, kept as they arrived; logs are answered with success and
/// `partial_success.rejected_log_records`, because Pivot does not store logs. The response uses the
/// request's content type. Status mapping, as the OTLP specification asks: 200 with an
/// `Export*ServiceResponse` (`partial_success` set when points were not stored); 400 with a
/// `google.rpc.Status` for a body that cannot be read or data the store refuses; 413 past the size
/// limit; 415 for another content type or encoding; 429 with `Retry-After` when `IngestAdmission` sheds
/// load (refused before the body is read); 503 with `Retry-After` while storage is starting or failing
/// (exporters retry only 429, 502, 503 and 504, so load never answers 500).
public struct OTLPRoutes: Sendable {
    /// Largest body accepted, compressed and decompressed, in bytes. Default 32 MiB (`--otlp.max-body-bytes`).
    public var maxBodyBytes: Int
    /// Seconds an exporter should wait before retrying a 503. Default 1.
    public var retryAfterSeconds: Int
    public var metrics: OTLPMetricsReceiver?
    public var traces: OTLPTracesReceiver?
    /// Load shedding shared with the other ingest paths.
    public var admission: IngestAdmission
    private let rejectedLogs = Counter(label: "pivot_otlp_log_records_rejected_total", dimensions: [("transport", "http")])

    public init(
        metrics: OTLPMetricsReceiver?, traces: OTLPTracesReceiver? = nil, maxBodyBytes: Int = 32 << 20,
        admission: IngestAdmission = IngestAdmission(), retryAfterSeconds: Int = 1
    ) {
        self.admission = admission
        self.metrics = metrics
        self.traces = traces
        self.maxBodyBytes = maxBodyBytes
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The OTLP listener's routes: `/v1/metrics`, `/v1/traces` and `/v1/logs`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        router.post("/v1/metrics") { request, _ in await routes.handleMetrics(request) }
        router.post("/v1/traces") { request, _ in await routes.handleTraces(request) }
        router.post("/v1/logs") { request, _ in await routes.handleLogs(request) }
    }

    /// Prometheus's path for OTLP metrics on the web listener: `/api/v1/otlp/v1/metrics`.
    public func registerPrometheusPath<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        router.post("/api/v1/otlp/v1/metrics") { request, _ in await routes.handleMetrics(request) }
    }

    enum Format { case protobuf, json }

    /// A request that ended before reaching the store, with its response.
    struct Refusal: Error {
        var response: Response
    }

    /// The content type, the decompressed body and the admission holding its bytes (release it when
    /// done), or the response refusing them.
    func readBody(_ request: Request) async throws(Refusal) -> (Format, [UInt8], IngestAdmission.Ticket) {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let format: Format
        if contentType.hasPrefix("application/x-protobuf") || contentType.hasPrefix("application/protobuf") {
            format = .protobuf
        } else if contentType.hasPrefix("application/json") {
            format = .json
        } else {
            throw Refusal(response: status(
                .unsupportedMediaType,
                "unsupported Content-Type \"\(contentType)\": use application/x-protobuf or application/json", .protobuf))
        }
        let declared = min(request.headers[.contentLength].flatMap { Int($0) } ?? 0, maxBodyBytes)
        let ticket: IngestAdmission.Ticket
        do {
            ticket = try admission.admit(bytes: declared)
        } catch {
            throw Refusal(response: status(.tooManyRequests, error.message, format))
        }
        let collected: ByteBuffer
        do {
            collected = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            ticket.release()
            throw Refusal(response: status(.contentTooLarge, "request body larger than the limit of \(maxBodyBytes) bytes", format))
        }
        ticket.grow(by: collected.readableBytes - declared)
        do {
            let body = try HTTPBodyDecompression.decode(
                Array(collected.readableBytesView), encoding: request.headers[.contentEncoding], maxBytes: maxBodyBytes)
            if request.headers[.contentEncoding] != nil { ticket.grow(by: body.count) }
            return (format, body, ticket)
        } catch {
            ticket.release()
            switch error.kind {
            case .tooLarge: throw Refusal(response: status(.contentTooLarge, error.message, format))
            case .unsupportedEncoding: throw Refusal(response: status(.unsupportedMediaType, error.message, format))
            case .corrupt: throw Refusal(response: status(.badRequest, error.message, format))
            }
        }
    }

    // MARK: Metrics

    func handleMetrics(_ request: Request) async -> Response {
        await handleExport(
            request, signal: "metrics", rejectedKey: "rejectedDataPoints",
            export: metrics.map { receiver in
                { format, body async throws in
                    let decoded: OTLPMetricsRequest
                    do {
                        decoded = try format == .protobuf ? OTLPMetricsProtobufDecoder().decode(body) : OTLPMetricsJSONDecoder().decode(body)
                    } catch {
                        throw Refusal(response: status(.badRequest, "cannot read the metrics export request: \(error)", format))
                    }
                    return try await Self.exporting { () async throws(AppendError) in try await receiver.export(decoded, via: .otlpHTTP) }
                }
            },
            protobuf: { outcome in
                var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
                if outcome.rejectedDataPoints > 0 || !outcome.errorMessage.isEmpty {
                    response.partialSuccess.rejectedDataPoints = Int64(outcome.rejectedDataPoints)
                    response.partialSuccess.errorMessage = outcome.errorMessage
                }
                return response
            })
    }

    func handleTraces(_ request: Request) async -> Response {
        await handleExport(
            request, signal: "trace", rejectedKey: "rejectedSpans",
            export: traces.map { receiver in
                { format, body async throws in
                    let decoded: OTLPTracesDecoded
                    do {
                        decoded = try format == .protobuf ? OTLPTracesProtobufDecoder().decode(body) : OTLPTracesJSONDecoder().decode(body)
                    } catch {
                        throw Refusal(response: status(.badRequest, "cannot read the trace export request: \(error)", format))
                    }
                    return try await Self.exporting { () async throws(AppendError) in try await receiver.export(decoded) }
                }
            },
            protobuf: { outcome in
                var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
                if outcome.rejectedDataPoints > 0 || !outcome.errorMessage.isEmpty {
                    response.partialSuccess.rejectedSpans = Int64(outcome.rejectedDataPoints)
                    response.partialSuccess.errorMessage = outcome.errorMessage
                }
                return response
            })
    }

    /// The store's refusal as an error carrying its `AppendError`, so `handleExport` can map it.
    struct StoreFailure: Error {
        var error: AppendError
    }

    static func exporting(_ body: () async throws(AppendError) -> OTLPExportOutcome) async throws -> OTLPExportOutcome {
        do {
            return try await body()
        } catch {
            throw StoreFailure(error: error)
        }
    }

    /// One export: read the body, decode and store it (`export`), answer in the request's format with
    /// `partial_success` (`rejectedKey` in JSON) when something was rejected.
    func handleExport<Message: SwiftProtobuf.Message>(
        _ request: Request, signal: String, rejectedKey: String,
        export: ((Format, [UInt8]) async throws -> OTLPExportOutcome)?,
        protobuf: (OTLPExportOutcome) -> Message
    ) async -> Response {
        let format: Format
        let body: [UInt8]
        let ticket: IngestAdmission.Ticket
        do {
            (format, body, ticket) = try await readBody(request)
        } catch {
            return error.response
        }
        defer { ticket.release() }
        guard let export else {
            return status(.serviceUnavailable, "\(signal) storage is not configured", format)
        }
        let outcome: OTLPExportOutcome
        do {
            outcome = try await export(format, body)
        } catch let refusal as Refusal {
            return refusal.response
        } catch let failure as StoreFailure {
            return status(failure.error.code.isRetryable ? .serviceUnavailable : .badRequest, failure.error.message, format)
        } catch {
            return status(.badRequest, "\(error)", format)
        }
        switch format {
        case .protobuf:
            return protobufResponse(protobuf(outcome))
        case .json:
            guard outcome.rejectedDataPoints > 0 || !outcome.errorMessage.isEmpty else { return jsonResponse("{}") }
            return jsonResponse(
                "{\"partialSuccess\":{\"\(rejectedKey)\":\"\(outcome.rejectedDataPoints)\","
                    + "\"errorMessage\":\(JSONString.quote(outcome.errorMessage))}}")
        }
    }

    // MARK: Logs

    func handleLogs(_ request: Request) async -> Response {
        let format: Format
        let body: [UInt8]
        let ticket: IngestAdmission.Ticket
        do {
            (format, body, ticket) = try await readBody(request)
        } catch {
            return error.response
        }
        defer { ticket.release() }
        let count: Int
        do {
            switch format {
            case .protobuf:
                count = LogsRejection.count(try Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest(serializedBytes: body))
            case .json:
                count = try LogsRejection.countJSON(body)
            }
        } catch {
            return status(.badRequest, "cannot read the logs export request: \(error)", format)
        }
        if count > 0 { rejectedLogs.increment(by: Int64(count)) }
        switch format {
        case .protobuf: return protobufResponse(LogsRejection.response(rejecting: count))
        case .json: return jsonResponse(LogsRejection.jsonResponse(rejecting: count))
        }
    }

    // MARK: Responses

    func protobufResponse(_ message: some SwiftProtobuf.Message) -> Response {
        let bytes: [UInt8] = (try? message.serializedBytes()) ?? []
        return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A `google.rpc.Status` body in the request's format, with the gRPC code matching the HTTP status.
    func status(_ httpStatus: HTTPResponse.Status, _ message: String, _ format: Format) -> Response {
        let code: Int32 =
            switch httpStatus.code {
            case 503: 14  // UNAVAILABLE
            case 413, 429: 8  // RESOURCE_EXHAUSTED
            case 415: 12  // UNIMPLEMENTED
            default: 3  // INVALID_ARGUMENT
            }
        var headers: HTTPFields = [:]
        if httpStatus == .serviceUnavailable || httpStatus == .tooManyRequests {
            headers[.retryAfter] = String(retryAfterSeconds)
        }
        switch format {
        case .protobuf:
            var status = Google_Rpc_Status()
            status.code = code
            status.message = message
            let bytes: [UInt8] = (try? status.serializedBytes()) ?? []
            headers[.contentType] = "application/x-protobuf"
            return Response(status: httpStatus, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .json:
            headers[.contentType] = "application/json"
            return Response(
                status: httpStatus, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "{\"code\":\(code),\"message\":\(JSONString.quote(message))}")))
        }
    }
}
