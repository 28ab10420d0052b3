import GRPCCore
import PivotIngest
import PivotModel
import PivotOTLP
import PivotStorage
import PivotWire
import Testing

@testable import PivotGRPC

@Suite struct MetricsServiceTests {
    static let counter = OTLPMetricsRequest(resourceMetrics: [OTLPResourceMetrics(
        attributes: [OTLPAttribute("service.name", "api")],
        scopeMetrics: [OTLPScopeMetrics(metrics: [
            OTLPMetric(name: "requests", data: .sum(OTLPSum(
                points: [OTLPNumberPoint(timeUnixNano: 1_700_000_000_000_000_000, value: .int(5))],
                temporality: .cumulative, isMonotonic: true))),
            OTLPMetric(name: "unknown_temporality", data: .sum(OTLPSum(
                points: [OTLPNumberPoint(timeUnixNano: 1_700_000_000_000_000_000, value: .int(1))],
                temporality: .unspecified, isMonotonic: true))),
        ])])])

    func receiver(_ store: MemoryStore?) -> OTLPMetricsReceiver {
        let ingestor = store.map { Ingestor(store: $0) }
        return OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { ingestor }, clock: { 1_700_000_000_000 })
    }

    @Test func anExportIsStoredAndRejectedPointsArePartialSuccess() async throws {
        // The counter is stored as requests_total; the point without temporality is counted in partial_success.
        let store = MemoryStore()
        let response = try await MetricsService.export(.success(Self.counter), receiver: receiver(store))
        #expect(response.partialSuccess.rejectedDataPoints == 1)
        #expect(response.partialSuccess.errorMessage.contains("temporality"))
        let series = try store.querier(mint: 0, maxt: .max).select([try LabelMatcher(.equal, "__name__", "requests_total")])
        #expect(series.first?.samples.map(\.value) == [5])
        #expect(series.first?.labels["job"] == "api")
    }

    @Test func aMessageThatCannotBeReadIsInvalidArgument() async throws {
        // The deserializer turns bad bytes into a failure; the handler answers INVALID_ARGUMENT with the reason.
        let decoded = try MetricsService.Deserializer().deserialize([UInt8]([0x0a, 0x05, 0x12])).result
        guard case .failure = decoded else {
            Issue.record("garbage decoded")
            return
        }
        let error = await #expect(throws: RPCError.self) {
            try await MetricsService.export(decoded, receiver: receiver(MemoryStore()))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("cannot read the metrics export request") == true)
    }

    @Test func beforeStorageIsOpenExportsAreUnavailable() async throws {
        // UNAVAILABLE is retryable for OTLP exporters: nothing is lost while the WAL replays.
        let error = await #expect(throws: RPCError.self) {
            try await MetricsService.export(.success(Self.counter), receiver: receiver(nil))
        }
        #expect(error?.code == .unavailable)
    }

    @Test func logsAreRejectedWithTheirCount() async throws {
        // LogsService answers with rejected_log_records = the number of records.
        var request = PivotWire.Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        var resource = PivotWire.Opentelemetry_Proto_Logs_V1_ResourceLogs()
        var scope = PivotWire.Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scope.logRecords = [.init(), .init(), .init()]
        resource.scopeLogs = [scope]
        request.resourceLogs = [resource]
        #expect(LogsRejection.response(rejecting: LogsRejection.count(request)).partialSuccess.rejectedLogRecords == 3)
    }
}
