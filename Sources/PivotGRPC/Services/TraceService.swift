import GRPCCore
import GRPCProtobuf
import PivotIngest
import PivotOTLP
import PivotStorage
import PivotWire

/// `opentelemetry.proto.collector.trace.v1.TraceService/Export` over gRPC: message bytes decoded by
/// `OTLPTracesProtobufDecoder` (spans kept as they arrived), stored by the shared `OTLPTracesReceiver`.
/// `INVALID_ARGUMENT` for a message that cannot be read, `UNAVAILABLE` while storage is starting or
/// overloaded, `partial_success.rejected_spans` for spans without valid ids.
public struct TraceService: RegistrableRPCService {
    private let receiver: OTLPTracesReceiver

    private let admission: IngestAdmission

    public init(receiver: OTLPTracesReceiver, admission: IngestAdmission = IngestAdmission()) {
        self.receiver = receiver
        self.admission = admission
    }

    public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let receiver = self.receiver
        let admission = self.admission
        router.registerHandler(
            forMethod: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor,
            deserializer: Deserializer(),
            serializer: ProtobufSerializer<Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse>(),
            handler: { request, _ in
                let single = try await ServerRequest(stream: request)
                let response = try await admission.admitting(bytes: single.message.byteCount) {
                    try await Self.export(single.message.result, receiver: receiver)
                }
                return StreamingServerResponse(single: ServerResponse(message: response))
            })
    }

    static func export(
        _ decoded: Result<OTLPTracesDecoded, OTLPDecodeError>, receiver: OTLPTracesReceiver
    ) async throws -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse {
        let spans: OTLPTracesDecoded
        switch decoded {
        case .success(let value): spans = value
        case .failure(let error):
            throw RPCError(code: .invalidArgument, message: "cannot read the trace export request: \(error)")
        }
        let outcome: OTLPExportOutcome
        do {
            outcome = try await receiver.export(spans)
        } catch {
            throw RPCError(code: error.code.isRetryable ? .unavailable : .invalidArgument, message: error.message)
        }
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if outcome.rejectedDataPoints > 0 || !outcome.errorMessage.isEmpty {
            response.partialSuccess.rejectedSpans = Int64(outcome.rejectedDataPoints)
            response.partialSuccess.errorMessage = outcome.errorMessage
        }
        return response
    }

    struct Deserializer: MessageDeserializer {
        func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> DecodedMessage<OTLPTracesDecoded> {
            serializedMessageBytes.withUnsafeBytes { raw in
                DecodedMessage(result: Result { () throws(OTLPDecodeError) in try OTLPTracesProtobufDecoder().decode(raw) }, byteCount: raw.count)
            }
        }
    }
}
