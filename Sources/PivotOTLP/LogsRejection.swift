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
    /// Throws an `OTLPDecodeError` for a body that is not JSON (nesting is allowed up to
    /// `jsonMaxDepth`), and a `LogsRequestError` for JSON that is not an object. A `resourceLogs` or
    /// `scopeLogs` that is not an array of objects counts as empty.
    public static func countJSON(_ body: [UInt8]) throws -> Int {
        let json = try JSONParser(maxDepth: jsonMaxDepth).parse(body)
        guard json.objectMembers != nil else {
            throw LogsRequestError(message: "the body is not a JSON object")
        }
        return objects(json["resourceLogs"]).reduce(0) { total, resource in
            total + objects(resource["scopeLogs"]).reduce(0) { $0 + ($1["logRecords"]?.arrayElements?.count ?? 0) }
        }
    }

    /// How deep a logs body may nest when counting its records: 256, since log bodies carry arbitrary
    /// `AnyValue` trees and only the outer levels are looked at.
    static let jsonMaxDepth = 256

    /// The elements of an array of objects; empty when `value` is anything else.
    private static func objects(_ value: JSONValue?) -> [JSONValue] {
        guard let elements = value?.arrayElements, elements.allSatisfy({ $0.objectMembers != nil }) else { return [] }
        return elements
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
