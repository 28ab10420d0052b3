import PivotIngest
import PivotModel
import PivotOTLP
import PivotStorage
import Testing

@Suite struct OTLPMetricsReceiverTests {
    static func gauge(_ name: String, at nanos: UInt64, _ value: Double) -> OTLPMetricsRequest {
        OTLPMetricsRequest(resourceMetrics: [OTLPResourceMetrics(scopeMetrics: [OTLPScopeMetrics(metrics: [
            OTLPMetric(name: name, data: .gauge([OTLPNumberPoint(timeUnixNano: nanos, value: .double(value))]))
        ])])])
    }

    @Test func exportsCountAcceptedPointsAndStoreThroughTheIngestor() async throws {
        // A translated export is durable when export returns; its points are counted as accepted.
        let store = MemoryStore()
        let ingestor = Ingestor(store: store)
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { ingestor })
        let outcome = try await receiver.export(Self.gauge("queue.depth", at: 5_000_000, 3), via: .otlpHTTP)
        #expect(outcome == OTLPExportOutcome(acceptedDataPoints: 1, rejectedDataPoints: 0, errorMessage: ""))
        let series = try store.querier(mint: 0, maxt: .max).select([try LabelMatcher(.equal, "__name__", "queue_depth")])
        #expect(series.first?.samples == [Sample(timestamp: 5, value: 3)])
    }

    @Test func aSampleTheStoreRefusesFailsTheExportWithAPermanentError() async throws {
        // The same series and timestamp with another value is refused as a whole and not retryable (HTTP 400).
        let store = MemoryStore()
        let ingestor = Ingestor(store: store)
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { ingestor })
        _ = try await receiver.export(Self.gauge("queue.depth", at: 5_000_000, 3), via: .otlpHTTP)
        let error = await #expect(throws: AppendError.self) {
            try await receiver.export(Self.gauge("queue.depth", at: 5_000_000, 4), via: .otlpHTTP)
        }
        #expect(error?.code.isRetryable == false)
    }

    @Test func withoutStorageExportsAreRetryable() async throws {
        // Before the store is open the error is storage_unavailable, which the transports answer 503 / UNAVAILABLE.
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { nil })
        let error = await #expect(throws: AppendError.self) {
            try await receiver.export(Self.gauge("x", at: 1_000_000, 1), via: .otlpGRPC)
        }
        #expect(error?.code == .storageUnavailable)
    }
}
