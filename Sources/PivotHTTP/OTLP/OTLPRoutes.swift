import Hummingbird
import Metrics
import PivotOTLP
import PivotWire
import SwiftProtobuf

/// `POST /v1/logs` (OTLP/HTTP, protobuf or JSON, optionally gzip/deflate): answered with success and
/// `partial_success.rejected_log_records`, because Pivot does not store logs. Errors follow the OTLP
/// spec: 400 with a `google.rpc.Status` body for a body that cannot be read, 413 past the size limit,
/// 415 for another content type; the response uses the request's content type.
public struct OTLPLogsRoutes: Sendable {
    /// Largest body accepted, compressed or not, in bytes. Default 32 MiB.
    public var maxBodyBytes: Int
    private let rejected = Counter(label: "pivot_otlp_log_records_rejected_total", dimensions: [("transport", "http")])

    public init(maxBodyBytes: Int = 32 << 20) {
        self.maxBodyBytes = maxBodyBytes
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        router.post("/v1/logs") { request, _ in await routes.handle(request) }
    }

    enum Format { case protobuf, json }

    func handle(_ request: Request) async -> Response {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let format: Format
        if contentType.hasPrefix("application/x-protobuf") || contentType.hasPrefix("application/protobuf") {
            format = .protobuf
        } else if contentType.hasPrefix("application/json") {
            format = .json
        } else {
            return status(415, "unsupported Content-Type \"\(contentType)\": use application/x-protobuf or application/json", .protobuf)
        }
        let collected: ByteBuffer
        do {
            collected = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return status(413, "request body larger than the limit of \(maxBodyBytes) bytes", format)
        }
        let body: [UInt8]
        do {
            body = try HTTPBodyDecompression.decode(
                Array(collected.readableBytesView), encoding: request.headers[.contentEncoding], maxBytes: maxBodyBytes)
        } catch {
            switch error.kind {
            case .tooLarge: return status(413, error.message, format)
            case .unsupportedEncoding: return status(415, error.message, format)
            case .corrupt: return status(400, error.message, format)
            }
        }
        let count: Int
        do {
            switch format {
            case .protobuf:
                count = LogsRejection.count(try Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest(serializedBytes: body))
            case .json:
                count = try LogsRejection.countJSON(body)
            }
        } catch {
            return status(400, "cannot read the logs export request: \(error)", format)
        }
        if count > 0 { rejected.increment(by: Int64(count)) }
        switch format {
        case .protobuf:
            let bytes: [UInt8] = (try? LogsRejection.response(rejecting: count).serializedBytes()) ?? []
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .json:
            return jsonResponse(LogsRejection.jsonResponse(rejecting: count))
        }
    }

    /// A `google.rpc.Status` body in the request's format.
    func status(_ code: Int, _ message: String, _ format: Format) -> Response {
        let httpStatus = HTTPResponse.Status(code: code)
        switch format {
        case .protobuf:
            var status = Google_Rpc_Status()
            status.code = code == 400 ? 3 : code == 413 ? 8 : 3
            status.message = message
            let bytes: [UInt8] = (try? status.serializedBytes()) ?? []
            return Response(status: httpStatus, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .json:
            return jsonResponse("{\"code\":\(code == 413 ? 8 : 3),\"message\":\(JSONString.quote(message))}", status: httpStatus)
        }
    }
}
