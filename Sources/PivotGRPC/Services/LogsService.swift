import GRPCCore
import Metrics
import PivotOTLP
import PivotWire

/// `opentelemetry.proto.collector.logs.v1.LogsService/Export` over gRPC: Pivot does not store logs,
/// so every request succeeds with `partial_success.rejected_log_records` = its record count
/// (`pivot_otlp_log_records_rejected_total{transport="grpc"}`).
public struct LogsService: Opentelemetry_Proto_Collector_Logs_V1_LogsService.SimpleServiceProtocol {
    private let rejected = Counter(label: "pivot_otlp_log_records_rejected_total", dimensions: [("transport", "grpc")])

    public init() {}

    public func export(
        request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest, context: ServerContext
    ) async throws -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse {
        let count = LogsRejection.count(request)
        if count > 0 { rejected.increment(by: Int64(count)) }
        return LogsRejection.response(rejecting: count)
    }
}
