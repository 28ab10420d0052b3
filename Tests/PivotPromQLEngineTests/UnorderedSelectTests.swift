import PivotModel
import PivotPromQL
import PivotPromQLEngine
import PivotStorage
import Synchronization
import Testing

/// Aggregations whose result cannot depend on series order, and instant queries (whose vectors come in
/// the store's order, as Prometheus's do), ask the store for its cheaper unordered select; range
/// queries (sorted at the end, so only ties could differ) and order-sensitive aggregations keep the
/// label-ordered one.
@Suite struct UnorderedSelectTests {
    /// The real in-memory store, noting which kind of select each query made.
    final class RecordingStore: Queryable {
        let store = counterStoreWithJobs()
        let calls = Mutex<[String]>([])

        func querier(mint: Int64, maxt: Int64) throws(QueryError) -> any Querier {
            RecordingQuerier(base: try store.querier(mint: mint, maxt: maxt), owner: self)
        }
    }

    struct RecordingQuerier: Querier {
        let base: any Querier
        let owner: RecordingStore

        func select(_ matchers: [LabelMatcher], hints: SelectHints) throws(QueryError) -> [SeriesSamples] {
            owner.calls.withLock { $0.append(hints.sorted ? "ordered" : "unordered") }
            let series = try base.select(matchers, hints: hints)
            return hints.sorted ? series : series.reversed()
        }

        func series(_ matchers: [LabelMatcher]) throws(QueryError) -> [Labels] { try base.series(matchers) }
        func labelNames(_ matchers: [LabelMatcher]) throws(QueryError) -> [String] { try base.labelNames(matchers) }
        func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(QueryError) -> [String] {
            try base.labelValues(name, matchers)
        }
    }

    static func counterStoreWithJobs() -> MemoryStore {
        let store = MemoryStore()
        for (index, job) in ["a", "b", "c"].enumerated() {
            store.add(
                Labels(["__name__": "requests_total", "job": job, "instance": "i\(index % 2)"]),
                (0...40).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0 * (index + 1)) * 10) })
        }
        return store
    }

    @Test("which queries select unordered", arguments: [
        ("sum(rate(requests_total[5m]))", ["unordered"]),
        ("sum by (instance) (rate(requests_total[5m]))", ["unordered"]),
        ("count by (instance) (requests_total)", ["unordered"]),
        ("quantile(0.5, requests_total)", ["unordered"]),
        ("max(quantile_over_time(0.9, requests_total[5m]))", ["unordered"]),
        ("topk(1, requests_total)", ["ordered"]),
        ("sum(topk(1, requests_total))", ["ordered"]),
        ("sum(requests_total * 2)", ["ordered"]),
        ("rate(requests_total[5m])", ["unordered"]),
        ("sum(absent_over_time(requests_total[5m]))", ["ordered"]),
    ])
    func choice(query: String, expected: [String]) throws {
        let recording = RecordingStore()
        _ = try Engine(queryable: recording).instantQuery(query, at: 600_000)
        #expect(recording.calls.withLock { $0 } == expected)
    }

    @Test("a range query selects in label order", arguments: ["rate(requests_total[5m])", "requests_total"])
    func rangeQueriesSelectOrdered(query: String) throws {
        let recording = RecordingStore()
        _ = try Engine(queryable: recording).rangeQuery(query, start: 300_000, end: 600_000, step: 60_000)
        #expect(recording.calls.withLock { $0 } == ["ordered"])
    }

    @Test("an instant vector comes in the store's order; sort() still orders it")
    func instantVectorsKeepStoreOrder() throws {
        let recording = RecordingStore()
        let engine = Engine(queryable: recording)
        guard case .vector(let unordered) = try engine.instantQuery("requests_total", at: 600_000).value,
              case .vector(let sorted) = try engine.instantQuery("sort(requests_total)", at: 600_000).value
        else {
            Issue.record("not vectors")
            return
        }
        // The recording store hands unordered selects back reversed: label order is (instance i0, job a),
        // (i0, c), (i1, b).
        #expect(unordered.map { $0.labels["job"] } == ["b", "c", "a"])
        #expect(sorted.map { $0.labels["job"] } == ["a", "b", "c"])
    }

    @Test("an unordered select gives the same answers, instant and range")
    func sameAnswers() throws {
        let recording = RecordingStore()
        let plain = Engine(queryable: recording.store)
        let hinted = Engine(queryable: recording)
        for query in ["sum by (instance) (rate(requests_total[5m]))", "count by (instance) (requests_total)", "avg(requests_total)"] {
            let expected = try plain.rangeQuery(query, start: 300_000, end: 600_000, step: 60_000).value
            #expect(try hinted.rangeQuery(query, start: 300_000, end: 600_000, step: 60_000).value == expected, "\(query)")
        }
        #expect(recording.calls.withLock { $0 }.allSatisfy { $0 == "unordered" })
    }
}
