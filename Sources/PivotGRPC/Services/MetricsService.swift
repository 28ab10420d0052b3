import GRPCCore
import GRPCProtobuf
import PivotIngest
import PivotOTLP
import PivotStorage
import PivotWire

/// `opentelemetry.proto.collector.metrics.v1.MetricsService/Export` over gRPC.
///
/// Requests are decoded straight from the message bytes by `OTLPMetricsProtobufDecoder` (not through
/// the generated types), translated and stored by the shared `OTLPMetricsReceiver`. Status codes as
/// the OTLP specification asks: `INVALID_ARGUMENT` for a message that cannot be read or data the store
/// refuses (not retried), `UNAVAILABLE` while storage is starting or overloaded (retried); points the
/// translation could not take are reported in `partial_success`.
public struct MetricsService: RegistrableRPCService {
    private let receiver: OTLPMetricsReceiver

    private let admission: IngestAdmission

    public init(receiver: OTLPMetricsReceiver, admission: IngestAdmission = IngestAdmission()) {
        self.receiver = receiver
        self.admission = admission
    }

    public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let receiver = self.receiver
        let admission = self.admission
        router.registerHandler(
            forMethod: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Method.Export.descriptor,
            deserializer: Deserializer(),
            serializer: ProtobufSerializer<Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse>(),
            handler: { request, _ in
                let single = try await ServerRequest(stream: request)
                let response = try await admission.admitting(bytes: single.message.byteCount) {
                    try await Self.export(single.message.result, receiver: receiver)
                }
                return StreamingServerResponse(single: ServerResponse(message: response))
            })
    }

    static func export(
        _ decoded: Result<OTLPMetricsRequest, OTLPDecodeError>, receiver: OTLPMetricsReceiver
    ) async throws -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse {
        let request: OTLPMetricsRequest
        switch decoded {
        case .success(let value): request = value
        case .failure(let error):
            throw RPCError(code: .invalidArgument, message: "cannot read the metrics export request: \(error)")
        }
        let outcome: OTLPExportOutcome
        do {
            outcome = try await receiver.export(request, via: .otlpGRPC)
        } catch {
            throw RPCError(code: error.code.isRetryable ? .unavailable : .invalidArgument, message: error.message)
        }
        var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
        if outcome.rejectedDataPoints > 0 || !outcome.errorMessage.isEmpty {
            response.partialSuccess.rejectedDataPoints = Int64(outcome.rejectedDataPoints)
            response.partialSuccess.errorMessage = outcome.errorMessage
        }
        return response
    }

    /// Decodes with Pivot's own decoder; a bad message becomes a value so the handler can answer
    /// `INVALID_ARGUMENT` with the reason.
    struct Deserializer: MessageDeserializer {
        func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> DecodedMessage<OTLPMetricsRequest> {
            serializedMessageBytes.withUnsafeBytes { raw in
                DecodedMessage(result: Result { () throws(OTLPDecodeError) in try OTLPMetricsProtobufDecoder().decode(raw) }, byteCount: raw.count)
            }
        }
    }
}
