import Foundation
import PivotWire
import SwiftProtobuf

/// Pivot stores metrics and traces, not logs. An OTLP logs export is answered with success and
/// `partial_success.rejected_log_records` set to the number of records, so an exporter pointed at one
/// endpoint for every signal neither retries forever nor fails its metrics and traces.
public enum LogsRejection {
    public static let message = "Pivot stores metrics and traces, not logs: these log records were not stored"

    /// The number of log records in a request.
    public static func count(_ request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest) -> Int {
        request.resourceLogs.reduce(0) { total, resource in
            total + resource.scopeLogs.reduce(0) { $0 + $1.logRecords.count }
        }
    }

    /// The response that rejects `count` records.
    public static func response(rejecting count: Int) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse {
        var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
        if count > 0 {
            response.partialSuccess.rejectedLogRecords = Int64(count)
            response.partialSuccess.errorMessage = message
        }
        return response
    }

    /// Counts the log records of an OTLP/JSON request (`resourceLogs[].scopeLogs[].logRecords[]`).
    /// Throws for a body that is not a JSON object of that shape.
    public static func countJSON(_ body: [UInt8]) throws -> Int {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw LogsRequestError(message: "the body is not a JSON object")
        }
        let resources = object["resourceLogs"] as? [[String: Any]] ?? []
        return resources.reduce(0) { total, resource in
            let scopes = resource["scopeLogs"] as? [[String: Any]] ?? []
            return total + scopes.reduce(0) { $0 + (($1["logRecords"] as? [Any])?.count ?? 0) }
        }
    }

    /// The OTLP/JSON form of `response(rejecting:)`: int64 as a string, lowerCamelCase names.
    public static func jsonResponse(rejecting count: Int) -> String {
        guard count > 0 else { return "{}" }
        return "{\"partialSuccess\":{\"rejectedLogRecords\":\"\(count)\",\"errorMessage\":\"\(message)\"}}"
    }
}

public struct LogsRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
