import PivotModel
import PivotOTLP
import Testing

@Suite("OTLP translation: streams by store reference")
struct SeriesRefCacheTests {
    static func string(_ key: String, _ value: String) -> OTLPAttribute { OTLPAttribute(key: key, value: .string(value)) }

    static let trace: [UInt8] = Array(1...16)
    static let span: [UInt8] = Array(1...8)

    /// Gauges, a monotonic sum with an exemplar and a histogram with an exemplar, at `seconds`.
    static func request(at seconds: UInt64, route: String = "/a", bound: Double = 0.1, delta: Bool = false) -> OTLPMetricsRequest {
        let time = seconds * 1_000_000_000
        let exemplar = OTLPExemplar(timeUnixNano: time, value: .double(0.5), spanID: span, traceID: trace)
        let metrics = [
            OTLPMetric(name: "queue.depth", unit: "{item}", data: .gauge([
                OTLPNumberPoint(attributes: [string("http.route", route)], timeUnixNano: time, value: .int(Int64(seconds))),
                OTLPNumberPoint(attributes: [string("http.route", "/b"), string("zone", "")], timeUnixNano: time, value: .double(2)),
            ])),
            OTLPMetric(name: "requests", data: .sum(OTLPSum(points: [
                OTLPNumberPoint(
                    attributes: [OTLPAttribute(key: "code", value: .int(200))], timeUnixNano: time, value: .int(Int64(seconds) * 3),
                    exemplars: [exemplar]),
            ], temporality: delta ? .delta : .cumulative, isMonotonic: true))),
            OTLPMetric(name: "latency", unit: "s", data: .histogram(OTLPHistogram(points: [
                OTLPHistogramPoint(
                    attributes: [string("http.route", route)], timeUnixNano: time, count: 6 * seconds, sum: 4,
                    bucketCounts: [seconds, 2 * seconds, 3 * seconds], explicitBounds: [bound, 1], exemplars: [exemplar]),
                OTLPHistogramPoint(attributes: [string("http.route", "/c")], timeUnixNano: time, count: seconds, flags: 1),
            ], temporality: .cumulative))),
        ]
        let resource = [string("service.name", "svc"), string("service.instance.id", "i-1"), string("host.name", "h")]
        return OTLPMetricsRequest(resourceMetrics: [
            OTLPResourceMetrics(attributes: resource, scopeMetrics: [OTLPScopeMetrics(metrics: metrics)])
        ])
    }

    /// A batch's series as labels, samples (bit patterns, so stale markers compare) and exemplars, with
    /// references resolved through `known`, sorted by labels.
    static func resolved(_ batch: WriteBatch, _ known: [UInt64: Labels]) -> [String] {
        batch.series.map { series in
            let labels = series.seriesRef != 0 ? known[series.seriesRef]?.description ?? "unknown \(series.seriesRef)" : batch.labels(of: series).description
            let samples = batch.samples[series.samples].map { "\($0.timestamp)=\($0.value.bitPattern)" }
            let exemplars = batch.exemplars[series.exemplars].map { "\(batch.exemplar($0))" }
            return "\(labels) \(samples) \(exemplars)"
        }.sorted()
    }

    /// Translates `request` and remembers made-up references (1000 + series index) for its streams;
    /// returns the labels each reference stands for.
    static func seed(_ translator: OTLPMetricsTranslator, _ request: OTLPMetricsRequest) -> [UInt64: Labels] {
        let result = translator.translate(request, now: 0)
        let refs = result.batch.series.indices.map { UInt64(1000 + $0) }
        translator.remember(result, seriesRefs: refs)
        var known: [UInt64: Labels] = [:]
        for (index, series) in result.batch.series.enumerated() { known[refs[index]] = result.batch.labels(of: series) }
        return known
    }

    @Test("a stream seen before goes by reference, and the references stand for the series translation would write")
    func knownStreamsByReference() {
        // Expects the first translation to ask for references and use none, and a later one to send every
        // known stream by reference only, equal (once resolved) to the same request translated by labels.
        let translator = OTLPMetricsTranslator()
        let first = translator.translate(Self.request(at: 10), now: 0)
        #expect(first.batch.reportsSeriesRefs)
        #expect(!first.usedSeriesRefs)
        #expect(first.batch.series.allSatisfy { $0.seriesRef == 0 })
        let known = Self.seed(translator, Self.request(at: 10))
        // 2 gauges + 1 sum + 1 histogram of 2 bounds (5 series) + a stale histogram without buckets or sum (3 series).
        #expect(translator.seriesRefs.count == 5)

        let later = translator.translate(Self.request(at: 20), now: 0)
        #expect(later.usedSeriesRefs)
        let byReference = later.batch.series.filter { $0.seriesRef != 0 }
        #expect(byReference.count == 11)
        #expect(byReference.allSatisfy { $0.labels.isEmpty })
        let byLabels = translator.translate(Self.request(at: 20), now: 0, usingSeriesRefs: false)
        #expect(!byLabels.usedSeriesRefs && !byLabels.batch.reportsSeriesRefs)
        #expect(byLabels.batch.series.allSatisfy { $0.seriesRef == 0 })
        #expect(Self.resolved(later.batch, known) == Self.resolved(byLabels.batch, [:]))
        // Only target_info went by labels, so nothing new to remember.
        #expect(!later.batch.reportsSeriesRefs)
    }

    @Test("keys are exact bytes: canonically equal strings and 0 against -0 are different streams")
    func exactKeys() {
        // Expects no reference for a stream whose attribute differs only in Unicode normalization, or
        // whose bucket bound is -0 instead of 0: their labels differ, so they must go by labels.
        let translator = OTLPMetricsTranslator()
        let known = Self.seed(translator, Self.request(at: 10, route: "caf\u{E9}", bound: 0))
        let decomposed = translator.translate(Self.request(at: 20, route: "cafe\u{301}", bound: 0), now: 0)
        let reused = Set(decomposed.batch.series.map(\.seriesRef)).subtracting([0])
        // The route-free streams (the `/b` gauge, the sum, the `/c` histogram) still go by reference.
        #expect(reused.allSatisfy { known[$0]?.description.contains("caf") == false })
        #expect(Self.resolved(decomposed.batch, known)
            == Self.resolved(translator.translate(Self.request(at: 20, route: "cafe\u{301}", bound: 0), now: 0, usingSeriesRefs: false).batch, [:]))
        #expect(decomposed.batch.series.contains { $0.seriesRef == 0 && decomposed.batch.labels(of: $0)["http_route"] == "cafe\u{301}" })

        let negativeZero = translator.translate(Self.request(at: 30, route: "caf\u{E9}", bound: -0.0), now: 0)
        let buckets = negativeZero.batch.series.filter { $0.seriesRef == 0 }.map { negativeZero.batch.labels(of: $0) }
        #expect(buckets.contains { $0["le"] == "-0" })
    }

    @Test("requests with delta points never go by reference, so translating them twice is never needed")
    func deltaRequests() {
        // Expects neither references used nor asked for while a request has a delta sum.
        let translator = OTLPMetricsTranslator()
        _ = Self.seed(translator, Self.request(at: 10))
        let delta = translator.translate(Self.request(at: 20, delta: true), now: 0)
        #expect(!delta.usedSeriesRefs)
        #expect(!delta.batch.reportsSeriesRefs)
        #expect(delta.batch.series.allSatisfy { $0.seriesRef == 0 })
    }

    @Test("the cache holds at most its capacity; 0 turns it off; list-valued attributes are never keyed")
    func limits() {
        // Expects the count bounded by the capacity, no references asked for with capacity 0, and a point
        // with an array attribute translated by labels every time.
        let small = OTLPMetricsTranslator(options: OTLPTranslationOptions(streamCacheSize: 2))
        _ = Self.seed(small, Self.request(at: 10))
        #expect(small.seriesRefs.count > 0 && small.seriesRefs.count <= 2)

        let off = OTLPMetricsTranslator(options: OTLPTranslationOptions(streamCacheSize: 0))
        _ = Self.seed(off, Self.request(at: 10))
        #expect(off.seriesRefs.count == 0)
        #expect(!off.translate(Self.request(at: 20), now: 0).batch.reportsSeriesRefs)

        let translator = OTLPMetricsTranslator()
        let listed = OTLPMetricsRequest(resourceMetrics: [OTLPResourceMetrics(scopeMetrics: [OTLPScopeMetrics(metrics: [
            OTLPMetric(name: "g", data: .gauge([OTLPNumberPoint(
                attributes: [OTLPAttribute(key: "tags", value: .array([.string("a")]))], timeUnixNano: 1_000_000_000, value: .int(1))]))
        ])])])
        _ = Self.seed(translator, listed)
        #expect(translator.seriesRefs.count == 0)
        #expect(!translator.translate(listed, now: 0).usedSeriesRefs)
    }
}
