import PivotOTLP
import PivotWire
import Testing

@Suite struct LogsRejectionTests {
    @Test func everyLogRecordIsCountedAsRejected() {
        // The response rejects exactly the records of the request, with a message saying why.
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        for records in [2, 3] {
            var resource = Opentelemetry_Proto_Logs_V1_ResourceLogs()
            var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
            scope.logRecords = Array(repeating: Opentelemetry_Proto_Logs_V1_LogRecord(), count: records)
            resource.scopeLogs = [scope, Opentelemetry_Proto_Logs_V1_ScopeLogs()]
            request.resourceLogs.append(resource)
        }
        #expect(LogsRejection.count(request) == 5)
        let response = LogsRejection.response(rejecting: 5)
        #expect(response.partialSuccess.rejectedLogRecords == 5)
        #expect(response.partialSuccess.errorMessage.contains("not logs"))
        #expect(!LogsRejection.response(rejecting: 0).hasPartialSuccess)
    }

    @Test func jsonRequestsAreCountedAndAnsweredInOTLPJSON() throws {
        // OTLP/JSON: int64 as a string, lowerCamelCase names.
        let body = Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{}]}]},{"scopeLogs":[{"logRecords":[{}]}]}]}"#.utf8)
        #expect(try LogsRejection.countJSON(body) == 3)
        #expect(LogsRejection.jsonResponse(rejecting: 3).contains(#""rejectedLogRecords":"3""#))
        #expect(throws: (any Error).self) { try LogsRejection.countJSON(Array("[1]".utf8)) }
    }
}
