import PivotModel
import PivotPromQL
import PivotPromQLEngine
import PivotStorage
import Testing

/// A store with `requests_total{job="a"}` = 0, 10, 20, … every 15 s from t = 0 to 10 min.
func counterStore() -> MemoryStore {
    let store = MemoryStore()
    store.add(
        Labels(["__name__": "requests_total", "job": "a"]),
        (0...40).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0) * 10) })
    return store
}

@Suite struct EngineTests {
    @Test func rateOfASteadyCounterIsItsSlope() throws {
        // 10 per 15 s is 2/3 per second; the name is dropped by rate.
        let engine = Engine(queryable: counterStore())
        let result = try engine.instantQuery("rate(requests_total[5m])", at: 600_000)
        guard case .vector(let elements) = result.value else { Issue.record("not a vector"); return }
        #expect(elements.count == 1)
        #expect(elements.first?.labels == Labels(["job": "a"]))
        #expect(abs((elements.first?.value ?? 0) - 2.0 / 3.0) < 1e-9)
    }

    @Test func instantSelectorsLookBackFiveMinutesAndNoFurther() throws {
        // The last sample is at 600 s: visible at 899.999 s, gone at 900 s (window (t-5m, t]).
        let engine = Engine(queryable: counterStore())
        guard case .vector(let inside) = try engine.instantQuery("requests_total", at: 899_999).value,
              case .vector(let outside) = try engine.instantQuery("requests_total", at: 900_000).value else {
            Issue.record("not vectors")
            return
        }
        #expect(inside.map(\.value) == [400])
        #expect(outside.isEmpty)
    }

    @Test func rangeQueriesReturnSortedMatricesAtEveryStep() throws {
        // Three steps over a two-series sum give one series with three points.
        let store = counterStore()
        store.add(Labels(["__name__": "requests_total", "job": "b"]), [Sample(timestamp: 0, value: 1)])
        let engine = Engine(queryable: store)
        let result = try engine.rangeQuery("requests_total", start: 0, end: 60_000, step: 30_000)
        guard case .matrix(let series) = result.value else { Issue.record("not a matrix"); return }
        #expect(series.map { $0.labels["job"] } == ["a", "b"])
        #expect(series[0].points.map(\.timestamp) == [0, 30_000, 60_000])
        #expect(series[1].points.count == 3)
    }

    @Test func tooManyPointsPerSeriesIsRefusedWithPrometheusMessage() {
        // 11,001 steps exceed the resolution limit.
        let engine = Engine(queryable: counterStore())
        #expect(throws: EngineError(
            .badData,
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        ) {
            try engine.rangeQuery("requests_total", start: 0, end: 11_001_000, step: 1_000)
        }
    }

    @Test func queriesOverTheSampleLimitFail() {
        // A limit of 5 samples cannot hold a 41-sample range.
        let engine = Engine(queryable: counterStore(), options: EngineOptions(maxSamples: 5))
        #expect(throws: EngineError(
            .tooManySamples, "query processing would load too many samples into memory in query execution")
        ) {
            try engine.instantQuery("count_over_time(requests_total[20m])", at: 600_000)
        }
    }

    @Test func aSubqueryGridLongerThanTheSampleLimitFailsBeforeAllocating() {
        // 100 years at 1 ms steps is 3e12 steps: refused as too many samples, not a terabyte allocation.
        let engine = Engine(queryable: counterStore())
        #expect {
            try engine.instantQuery("max_over_time(vector(1)[100y:1ms])", at: 600_000)
        } throws: { error in
            (error as? EngineError)?.code == .tooManySamples
        }
        // A subquery within the limit still evaluates.
        #expect(throws: Never.self) { try engine.instantQuery("max_over_time(vector(1)[1h:1s])", at: 600_000) }
    }

    @Test(arguments: ["topk(-1e300, requests_total)", "bottomk(-9.3e18, requests_total)", "topk(0.5, requests_total)"])
    func kBelowOneSelectsNothingHoweverNegative(query: String) throws {
        // A k below 1, even far below Int64's range, selects nothing instead of trapping on the conversion.
        let engine = Engine(queryable: counterStore())
        guard case .vector(let elements) = try engine.instantQuery(query, at: 600_000).value else {
            Issue.record("not a vector")
            return
        }
        #expect(elements.isEmpty)
    }

    @Test func aQueryPastItsTimeoutFails() {
        // A zero timeout stops evaluation at the first check.
        let engine = Engine(queryable: counterStore(), options: EngineOptions(timeout: .zero))
        #expect(throws: EngineError(.timeout, "query timed out in expression evaluation")) {
            try engine.instantQuery("requests_total", at: 600_000)
        }
    }

    @Test func aCancelledTaskStopsItsQuery() async {
        // Cancelling the task that runs the query fails it with `canceled`.
        let engine = Engine(queryable: counterStore())
        let task = Task { () throws(EngineError) -> QueryResult in
            withUnsafeCurrentTask { $0?.cancel() }
            return try engine.instantQuery("requests_total", at: 600_000)
        }
        let result = await task.result
        #expect(throws: EngineError(.canceled, "query was canceled in expression evaluation")) { try result.get() }
    }

    @Test func nativeHistogramsFailClearlyInsteadOfGivingWrongAnswers() async throws {
        // A selector that reads a native histogram fails with `notSupported`.
        let store = MemoryStore()
        var batch = WriteBatch()
        batch.append(labels: Labels(["__name__": "h"]), histograms: [HistogramSample(
            timestamp: 0, schema: 0, sum: 1, zeroThreshold: 0,
            counts: .float(count: 1, zeroCount: 0, positiveCounts: [1], negativeCounts: []),
            positiveSpans: [BucketSpan(offset: 0, length: 1)], negativeSpans: [])])
        let appender = store.appender()
        _ = try appender.append(batch)
        try await appender.commit()
        let engine = Engine(queryable: store)
        #expect(throws: EngineError.self) { try engine.instantQuery("h", at: 0) }
        do {
            _ = try engine.instantQuery("h", at: 0)
        } catch {
            #expect(error.code == .notSupported)
        }
    }

    @Test func rateOfANonCounterNameAddsPrometheusInfo() throws {
        // rate over a name without a counter suffix carries Prometheus's info text.
        let store = MemoryStore()
        store.add(Labels(["__name__": "foo"]), [Sample(timestamp: 0, value: 1), Sample(timestamp: 15_000, value: 2)])
        let result = try Engine(queryable: store).instantQuery("rate(foo[1m])", at: 30_000)
        #expect(result.annotations.infos == [
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"foo\""
        ])
    }

    @Test func rangeVectorsCannotBeRangeQueries() {
        // A range query of a range selector is a bad_data error, as in Prometheus.
        let engine = Engine(queryable: counterStore())
        #expect(throws: EngineError(
            .badData, "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")
        ) {
            try engine.rangeQuery("requests_total[5m]", start: 0, end: 60_000, step: 15_000)
        }
    }
}

/// `topk` and `bottomk` keep the k best per step with ties going to the earlier series (label order)
/// and NaN last, whether k is small (one pass) or large (a sort).
@Suite struct SelectKTests {
    static let values: [Double] = [.nan, 1, 2, 3, -.infinity, .infinity, 2, 1]

    static func store() -> MemoryStore {
        let store = MemoryStore()
        for series in 0..<150 {
            store.add(
                Labels(["__name__": "m", "i": Self.name(series)]),
                (0..<5).map { step in
                    Sample(timestamp: Int64(step) * 60_000, value: values[(series * 7 + step * 3 + series / 5) % values.count])
                })
        }
        return store
    }

    /// Zero-padded, so label order is series order.
    static func name(_ series: Int) -> String {
        String(repeating: "0", count: 3 - String(series).count) + String(series)
    }

    static func expected(_ k: Int, descending: Bool, step: Int) -> Set<String> {
        let ranked = (0..<150).map { series in
            (series, values[(series * 7 + step * 3 + series / 5) % values.count])
        }.sorted { a, b in
            if a.1.isNaN != b.1.isNaN { return b.1.isNaN }
            if a.1.isNaN || a.1 == b.1 { return a.0 < b.0 }
            return descending ? a.1 > b.1 : a.1 < b.1
        }
        return Set(ranked.prefix(k).map { name($0.0) })
    }

    @Test(arguments: [1, 3, 5, 40, 64, 65, 149, 150, 400])
    func selectsTheBestWithTiesInLabelOrder(k: Int) throws {
        let engine = Engine(queryable: Self.store())
        for (function, descending) in [("topk", true), ("bottomk", false)] {
            let result = try engine.rangeQuery("\(function)(\(k), m)", start: 0, end: 240_000, step: 60_000)
            guard case .matrix(let series) = result.value else {
                Issue.record("not a matrix")
                return
            }
            for step in 0..<5 {
                let chosen = Set(series.filter { $0.points.contains { $0.timestamp == Int64(step) * 60_000 } }.map { $0.labels["i"] })
                #expect(chosen == Self.expected(k, descending: descending, step: step), "\(function) k=\(k) step \(step)")
            }
        }
    }

    /// A range query selects, at each step, exactly what an instant query at that step selects, with
    /// groups, every selecting aggregation and a parameter that changes from step to step.
    @Test(arguments: [
        "topk by (g) (2, m)", "bottomk without (i) (3, m)", "topk(scalar(count(m)) / 50, m)",
        "limitk by (g) (4, m)", "limit_ratio(0.3, m)", "limit_ratio by (g) (-0.5, m)",
    ])
    func rangeStepsMatchInstantQueries(query: String) throws {
        let store = MemoryStore()
        for series in 0..<60 {
            store.add(
                Labels(["__name__": "m", "i": Self.name(series), "g": String(series % 4)]),
                (0..<5).compactMap { step in
                    // Some series miss some steps, so the step-wise layout has gaps.
                    (series + step) % 7 == 0 ? nil : Sample(timestamp: Int64(step) * 60_000, value: Self.values[(series * 5 + step) % Self.values.count])
                })
        }
        let options = EngineOptions(parserOptions: ParserOptions(enableExperimentalFunctions: true))
        let engine = Engine(queryable: store, options: options)
        guard case .matrix(let range) = try engine.rangeQuery(query, start: 0, end: 240_000, step: 60_000).value else {
            Issue.record("not a matrix")
            return
        }
        for step in 0..<5 {
            let t = Int64(step) * 60_000
            guard case .vector(let instant) = try engine.instantQuery(query, at: t).value else {
                Issue.record("not a vector")
                return
            }
            let fromRange = range.compactMap { series in
                series.points.first { $0.timestamp == t }.map { "\(series.labels) \($0.value)" }
            }
            let expected = instant.map { "\($0.labels) \($0.value)" }
            #expect(fromRange.sorted() == expected.sorted(), "\(query) at step \(step)")
            #expect(!expected.isEmpty)
        }
    }
}
