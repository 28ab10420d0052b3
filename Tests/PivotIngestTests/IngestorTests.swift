import PivotIngest
import PivotModel
import PivotStorage
import Testing

@Suite struct IngestorTests {
    func batch(_ pairs: [(String, String)], samples: [Sample] = [Sample(timestamp: 1_000, value: 1)]) -> WriteBatch {
        var batch = WriteBatch()
        let start = batch.labelRefs.count
        for (name, value) in pairs {
            batch.labelRefs.append(.init(name: batch.intern(name), value: batch.intern(value)))
        }
        let sampleStart = batch.samples.count
        batch.samples.append(contentsOf: samples)
        batch.series.append(.init(
            labels: start..<batch.labelRefs.count, samples: sampleStart..<batch.samples.count,
            histograms: 0..<0, exemplars: 0..<0))
        return batch
    }

    @Test func aValidBatchIsStoredAndCounted() async throws {
        // A valid batch is committed to the store and the result counts its samples.
        let store = MemoryStore()
        let result = try await Ingestor(store: store).ingest(batch([("__name__", "up"), ("job", "a")]), via: .remoteWrite1)
        #expect(result.samplesWritten == 1)
        let selected = try store.querier(mint: 0, maxt: 2_000).select([try LabelMatcher(.equal, "__name__", "up")])
        #expect(selected.map(\.labels) == [Labels(["__name__": "up", "job": "a"])])
    }

    @Test(arguments: [
        ([("job", "a")], "missing metric name (__name__ label) for series {job=\"a\"}"),
        ([("__name__", "up"), ("job", "a"), ("job", "b")], "duplicate label name \"job\""),
        ([("job", "a"), ("__name__", "up")], "labels not sorted by name"),
        ([("__name__", "up"), ("", "x")], "empty label name"),
        ([("__name__", "")], "missing metric name"),
        ([("__name__x", "up")], "missing metric name"),
        ([("__name__", "up"), ("jobs", "a"), ("job", "b")], "labels not sorted by name"),
    ] as [([(String, String)], String)])
    func invalidLabelsAreRefusedNamingTheSeries(pairs: [(String, String)], expected: String) async throws {
        // Each label rule violation refuses the batch with a message naming the series.
        let store = MemoryStore()
        do {
            _ = try await Ingestor(store: store).ingest(batch(pairs), via: .remoteWrite1)
            Issue.record("accepted an invalid batch")
        } catch {
            #expect(!error.code.isRetryable)
            #expect(error.message.contains(expected), "\(error.message)")
        }
        #expect(try store.querier(mint: 0, maxt: 2_000).labelNames([]).isEmpty)
    }

    @Test func nonASCIIValuesAndNamesThatPrefixTheNextAreAccepted() async throws {
        // Valid UTF-8 beyond ASCII passes, and a name sorts before a longer name it is a prefix of.
        let store = MemoryStore()
        let result = try await Ingestor(store: store).ingest(
            batch([("__name__", "up"), ("job", "a"), ("jobs", "grüße")]), via: .remoteWrite1)
        #expect(result.samplesWritten == 1)
    }

    @Test(arguments: [Int64.min, Int64.max, -9_223_309_901_257_975, 9_223_309_901_257_975])
    func timestampsPastPrometheusRangeAreRefusedNamingTheSeries(timestamp: Int64) async throws {
        // Int64.min next to Int64.max used to overflow the head's chunk arithmetic and stop the server; now 400 out_of_bounds.
        let store = MemoryStore()
        let samples = [Sample(timestamp: 0, value: 1), Sample(timestamp: timestamp, value: 1)].sorted { $0.timestamp < $1.timestamp }
        do {
            _ = try await Ingestor(store: store).ingest(batch([("__name__", "up")], samples: samples), via: .remoteWrite1)
            Issue.record("accepted a timestamp of \(timestamp)")
        } catch {
            #expect(error.code == .outOfBounds)
            #expect(error.message.contains("timestamp \(timestamp) is out of bounds") && error.message.contains("{__name__=\"up\"}"))
        }
        #expect(try store.querier(mint: .min, maxt: .max).labelNames([]).isEmpty)
    }

    @Test func timestampsAtTheEdgesOfTheRangeAreAccepted() async throws {
        // Prometheus's MinTime and MaxTime themselves are valid sample times.
        let samples = [Sample(timestamp: -9_223_309_901_257_974, value: 1), Sample(timestamp: 9_223_309_901_257_974, value: 2)]
        let result = try await Ingestor(store: MemoryStore()).ingest(batch([("__name__", "up")], samples: samples), via: .remoteWrite1)
        #expect(result.samplesWritten == 2)
    }

    @Test func invalidUTF8IsRefused() async {
        // Label values must be valid UTF-8.
        var bad = batch([("__name__", "up"), ("job", "x")])
        bad.bytes[Int(bad.labelRefs[1].value.offset)] = 0xFF
        await #expect(throws: AppendError.self) {
            _ = try await Ingestor(store: MemoryStore()).ingest(bad, via: .remoteWrite2)
        }
    }

    @Test func emptyValuesAreDroppedNotRefused() async throws {
        // A label with an empty value is the same as no label, as in Prometheus.
        let store = MemoryStore()
        _ = try await Ingestor(store: store).ingest(batch([("__name__", "up"), ("a", ""), ("job", "x")]), via: .otlpHTTP)
        let names = try store.querier(mint: 0, maxt: 2_000).labelNames([])
        #expect(names == ["__name__", "job"])
    }
}
