import PivotModel
import PivotStorage
import Testing

@Suite struct MemoryStoreTests {
    @Test func selectRequiresANonEmptyMatcher() throws {
        // Like Prometheus, a selector whose matchers all match the empty string is refused.
        let store = MemoryStore()
        store.add(Labels(["__name__": "up"]), [Sample(timestamp: 1, value: 1)])
        let querier = try store.querier(mint: 0, maxt: 10)
        #expect(throws: QueryError.self) { try querier.select([try LabelMatcher(.regexMatch, "job", ".*")]) }
        #expect(try querier.select([try LabelMatcher(.equal, "__name__", "up")]).count == 1)
    }

    @Test func seriesByReferenceAreRefusedAndAskingForReferencesGetsNone() throws {
        // The in-memory store hands out no series references, so one it is sent names nothing it knows.
        let store = MemoryStore()
        var asking = WriteBatch()
        asking.append(labels: Labels(["__name__": "up"]), sample: Sample(timestamp: 1, value: 1))
        asking.reportsSeriesRefs = true
        #expect(try store.appender().append(asking).seriesRefs.isEmpty)
        var byReference = WriteBatch()
        byReference.append(seriesRef: 1, sample: Sample(timestamp: 2, value: 1))
        #expect { try store.appender().append(byReference) } throws: { ($0 as? AppendError)?.code == .unknownSeriesReference }
    }

    @Test func samplesOutsideTheRangeAreNotReturned() throws {
        // A querier returns samples in [mint, maxt], both inclusive.
        let store = MemoryStore()
        store.add(Labels(["__name__": "up"]), (0..<10).map { Sample(timestamp: Int64($0), value: Double($0)) })
        let selected = try store.querier(mint: 2, maxt: 4).select([try LabelMatcher(.equal, "__name__", "up")])
        #expect(selected.first?.samples.map(\.timestamp) == [2, 3, 4])
    }

    @Test func appendedExemplarsAreQueryableByTime() async throws {
        // Exemplars appended with a batch come back for their series in the time range.
        let store = MemoryStore()
        var batch = WriteBatch()
        let exemplar = Exemplar(labels: Labels(["trace_id": "abc"]), value: 2, timestamp: 5)
        batch.append(labels: Labels(["__name__": "latency"]), samples: [Sample(timestamp: 5, value: 2)], exemplars: [exemplar])
        let appender = store.appender()
        _ = try appender.append(batch)
        try await appender.commit()
        let found = try store.exemplars([[try LabelMatcher(.equal, "__name__", "latency")]], mint: 0, maxt: 10)
        #expect(found.first?.exemplars == [exemplar])
        #expect(try store.exemplars([[try LabelMatcher(.equal, "__name__", "latency")]], mint: 6, maxt: 10).isEmpty)
    }
}
