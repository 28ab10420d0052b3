import HTTPTypes
import Hummingbird
import PivotIngest
import PivotRemoteWrite
import PivotStorage

/// `POST /api/v1/write`: Prometheus remote-write 1.0 and 2.0.
///
/// Status mapping (the reason beside each): 204 when everything is durable; 415 for an unknown
/// content type or encoding (the sender cannot fix it by retrying); 413 past the body limits; 400 for
/// anything permanent — malformed body, bad labels, out-of-order or conflicting samples — so the
/// sender drops the batch instead of retrying forever; 503 with `Retry-After` for overload, storage
/// trouble or a server not yet ready (Prometheus retries 5xx; it drops 429 by default) — overload
/// meaning `IngestAdmission` refused the request before its body was read.
/// Every 2.0 response carries the written-count headers.
public struct RemoteWriteRoutes: Sendable {
    public var backend: BackendSlot
    public var limits: RemoteWriteLimits
    /// Load shedding shared with the other ingest paths.
    public var admission: IngestAdmission
    /// Seconds a sender should wait before retrying a 503. Default 1.
    public var retryAfterSeconds: Int

    public init(
        backend: BackendSlot, limits: RemoteWriteLimits = .default, admission: IngestAdmission = IngestAdmission(),
        retryAfterSeconds: Int = 1
    ) {
        self.backend = backend
        self.limits = limits
        self.admission = admission
        self.retryAfterSeconds = retryAfterSeconds
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        router.post("/api/v1/write") { request, _ in await routes.handle(request) }
        MethodNotAllowed.register(on: router, allowing: [.post], paths: ["/api/v1/write"])
    }

    struct Outcome {
        var status: HTTPResponse.Status
        var message: String?
        var written = AppendResult()
    }

    func handle(_ request: Request) async -> Response {
        var version = RemoteWriteVersion.v1
        let outcome: Outcome
        do {
            version = try RemoteWriteVersion(contentType: request.headers[.contentType])
            try RemoteWriteVersion.checkContentEncoding(request.headers[.contentEncoding])
            outcome = await write(request, version: version)
        } catch {
            outcome = Outcome(status: .unsupportedMediaType, message: error.message)
        }
        var headers: HTTPFields = [:]
        if version == .v2 {
            headers[HTTPField.Name("X-Prometheus-Remote-Write-Samples-Written")!] = String(outcome.written.samplesWritten)
            headers[HTTPField.Name("X-Prometheus-Remote-Write-Histograms-Written")!] = String(outcome.written.histogramsWritten)
            headers[HTTPField.Name("X-Prometheus-Remote-Write-Exemplars-Written")!] = String(outcome.written.exemplarsWritten)
        }
        if outcome.status == .serviceUnavailable {
            headers[.retryAfter] = String(retryAfterSeconds)
        }
        guard let message = outcome.message else {
            return Response(status: outcome.status, headers: headers)
        }
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: outcome.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    func write(_ request: Request, version: RemoteWriteVersion) async -> Outcome {
        guard let backend = backend.current else {
            return Outcome(status: .serviceUnavailable, message: "storage is not ready yet (replaying the write-ahead log)")
        }
        let declared = request.headers[.contentLength].flatMap { Int($0) } ?? 0
        let ticket: IngestAdmission.Ticket
        do {
            ticket = try admission.admit(bytes: min(declared, limits.maxCompressedBodyBytes))
        } catch {
            return Outcome(status: .serviceUnavailable, message: error.message)
        }
        defer { ticket.release() }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxCompressedBodyBytes)
        } catch {
            return Outcome(
                status: .contentTooLarge,
                message: "request body larger than the limit of \(limits.maxCompressedBodyBytes) bytes (compressed)")
        }
        let compressed = Array(body.readableBytesView)
        ticket.grow(by: compressed.count - declared)
        if let length = try? Snappy.declaredDecompressedLength(compressed), length <= limits.maxDecompressedBodyBytes {
            ticket.grow(by: length)
        }
        let decoded: DecodedWrite
        do {
            decoded = try RemoteWriteDecoder(limits: limits).decode(body: compressed, version: version)
        } catch {
            let status: HTTPResponse.Status = error.code == .bodyTooLarge ? .contentTooLarge : .badRequest
            return Outcome(status: status, message: error.message)
        }
        do {
            let written = try await backend.ingestor.ingest(
                decoded.batch, via: version == .v2 ? .remoteWrite2 : .remoteWrite1,
                exemplarsDroppedByDecoder: decoded.exemplarsDropped)
            return Outcome(status: .noContent, written: written)
        } catch {
            return Outcome(status: error.code.isRetryable ? .serviceUnavailable : .badRequest, message: error.message)
        }
    }
}
