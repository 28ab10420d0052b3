import Foundation
import Logging
import PivotIngest
import PivotMetricStore
import PivotModel
import PivotOTLP
import PivotStorage
import Synchronization
import Testing

/// The OTLP receiver over the real metric store, with streams sent by store reference.
@Suite("OTLP receiver: series references with the metric store")
struct OTLPSeriesRefTests {
    static let logger = Logger(label: "pivot.ingest.tests") { _ in SwiftLogNoOpLogHandler() }

    /// A fresh store directory path under the temporary directory (remove it when done).
    static func temporaryPath() -> String { NSTemporaryDirectory() + "pivot-ingest-refs-" + UUID().uuidString }

    static func open(_ path: String) async throws -> MetricStore {
        var options = MetricStoreOptions(path: path)
        options.walSync = .never
        return try await MetricStore.open(options: options, logger: logger)
    }

    static func request(at seconds: UInt64, value: Double? = nil) -> OTLPMetricsRequest {
        let time = seconds * 1_000_000_000
        let route = OTLPAttribute(key: "http.route", value: .string("/a"))
        return OTLPMetricsRequest(resourceMetrics: [OTLPResourceMetrics(
            attributes: [OTLPAttribute(key: "service.name", value: .string("svc"))],
            scopeMetrics: [OTLPScopeMetrics(metrics: [
                OTLPMetric(name: "temperature", unit: "Cel", data: .gauge([
                    OTLPNumberPoint(attributes: [route], timeUnixNano: time, value: .double(value ?? Double(seconds)))
                ])),
                OTLPMetric(name: "latency", unit: "s", data: .histogram(OTLPHistogram(points: [
                    OTLPHistogramPoint(
                        attributes: [route], timeUnixNano: time, count: 3 * seconds, sum: Double(seconds),
                        bucketCounts: [seconds, seconds, seconds], explicitBounds: [0.1, 1])
                ], temporality: .cumulative))),
            ])])])
    }

    /// Every stored series with its samples, as text.
    static func contents(_ store: MetricStore) throws -> [String] {
        try store.querier(mint: .min, maxt: .max).select([try LabelMatcher(.notEqual, "__name__", "")]).map {
            "\($0.labels) \($0.samples.map { "\($0.timestamp)=\($0.value)" })"
        }.sorted()
    }

    @Test("later exports go by reference and store exactly what exports by labels store")
    func sameDataAsByLabels() async throws {
        // Expects the receiver to remember the store's references after the first export, and two stores
        // fed the same exports (one with the cache off) to hold the same series and samples.
        let withCache = Self.temporaryPath()
        let without = Self.temporaryPath()
        defer {
            try? FileManager.default.removeItem(atPath: withCache)
            try? FileManager.default.removeItem(atPath: without)
        }
        let cachedStore = try await Self.open(withCache)
        let plainStore = try await Self.open(without)
        let cachedIngestor = Ingestor(store: cachedStore)
        let plainIngestor = Ingestor(store: plainStore)
        let cached = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { cachedIngestor })
        let plain = OTLPMetricsReceiver(
            translator: OTLPMetricsTranslator(options: OTLPTranslationOptions(streamCacheSize: 0)), ingestor: { plainIngestor })
        for seconds: UInt64 in [10, 20, 30] {
            #expect(try await cached.export(Self.request(at: seconds), via: .otlpHTTP).acceptedDataPoints == 2)
            _ = try await plain.export(Self.request(at: seconds), via: .otlpHTTP)
            #expect(cached.translator.seriesRefs.count == 2)
        }
        #expect(cached.translator.translate(Self.request(at: 40), now: 0).usedSeriesRefs)
        #expect(plain.translator.seriesRefs.count == 0)
        let stored = try Self.contents(cachedStore)
        #expect(stored.count == 6)  // the gauge; buckets 0.1, 1 and +Inf, _sum, _count (no target_info: no other resource attributes)
        #expect(stored == (try Self.contents(plainStore)))
        await cachedStore.close()
        await plainStore.close()
    }

    @Test("references the store no longer knows are forgotten and the export is sent again by labels")
    func staleReferences() async throws {
        // Expects an export after a restart of the store (new references) to succeed, store its points
        // and remember the new references.
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var store = try await Self.open(path)
        let current = Mutex<Ingestor>(Ingestor(store: store))
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { current.withLock { $0 } })
        _ = try await receiver.export(Self.request(at: 10), via: .otlpHTTP)
        await store.close()
        store = try await Self.open(path)
        let reopened = store
        current.withLock { $0 = Ingestor(store: reopened) }
        #expect(receiver.translator.translate(Self.request(at: 20), now: 0).usedSeriesRefs)
        #expect(try await receiver.export(Self.request(at: 20), via: .otlpHTTP).acceptedDataPoints == 2)
        #expect(try Self.contents(store).allSatisfy { $0.contains("10000=") && $0.contains("20000=") })
        #expect(receiver.translator.seriesRefs.count == 0)
        // The next export asks for new references, and the one after uses them.
        _ = try await receiver.export(Self.request(at: 30), via: .otlpHTTP)
        #expect(receiver.translator.seriesRefs.count == 2)
        _ = try await receiver.export(Self.request(at: 40), via: .otlpHTTP)
        #expect(try Self.contents(store).allSatisfy { $0.contains("30000=") && $0.contains("40000=") })
        await store.close()
    }

    @Test("a refusal of a batch sent by reference names the series, as by labels")
    func refusalsNameTheSeries() async throws {
        // Expects a conflicting sample for a known stream refused as permanent, with the series' labels.
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try await Self.open(path)
        let ingestor = Ingestor(store: store)
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { ingestor })
        _ = try await receiver.export(Self.request(at: 10), via: .otlpHTTP)
        _ = try await receiver.export(Self.request(at: 20), via: .otlpHTTP)
        let error = await #expect(throws: AppendError.self) {
            try await receiver.export(Self.request(at: 20, value: -1), via: .otlpHTTP)
        }
        #expect(error?.code == .duplicateSampleForTimestamp)
        #expect(error?.message.contains("temperature_celsius") == true)
        #expect(error?.message.contains("http_route=\"/a\"") == true)
        await store.close()
    }
}
