import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: exemplars")
struct StoreExemplarTests {
    static let series = StoreTest.labels(["__name__": "http_request_duration_seconds_bucket", "le": "0.5"])

    static func exemplar(_ time: Int64, trace: String, value: Double = 0.42) -> Exemplar {
        Exemplar(labels: StoreTest.labels(["trace_id": trace, "span_id": "00f067aa0ba902b7"]), value: value, timestamp: time)
    }

    @Test("exemplars are queryable by matchers and inclusive time range, and survive clean and crash restarts")
    func persistence() async throws {
        // Expects every stored exemplar, with all its labels, after both kinds of restart.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        let first = Self.exemplar(1000, trace: "4bf92f3577b34da6a3ce929d0e0e4736")
        let second = Self.exemplar(2000, trace: "4bf92f3577b34da6a3ce929d0e0e4737", value: .nan)
        let result = try await StoreTest.write(store, StoreTest.batch(
            [(Self.series, StoreTest.samples([1000, 2000]))], exemplars: [Self.series: [first, second]]))
        #expect(result.exemplarsWritten == 2)
        #expect(result.exemplarsDropped == 0)

        func check(_ store: MetricStore) throws {
            let all = try store.exemplars([[StoreTest.matcher(.equal, "le", "0.5")]], mint: 1000, maxt: 2000)
            #expect(all.count == 1)
            #expect(all.first?.seriesLabels == Self.series)
            #expect(all.first?.exemplars.count == 2)
            #expect(all.first?.exemplars.first == first)
            #expect(all.first?.exemplars.last?.labels == second.labels)
            #expect(all.first?.exemplars.last?.value.isNaN == true)
            let later = try store.exemplars([[StoreTest.matcher(.regexMatch, "__name__", "http_.*")]], mint: 1001, maxt: 5000)
            #expect(later.first?.exemplars.map(\.timestamp) == [2000])
            #expect(try store.exemplars([[StoreTest.matcher(.equal, "le", "1")]], mint: 0, maxt: 5000).isEmpty)
        }
        try check(store)
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory)
        try check(store)
        await store.close()
        store = try await StoreTest.open(directory)
        try check(store)
        await store.close()
    }

    @Test("an identical exemplar is stored once; an older one is dropped and counted; neither fails the samples")
    func dedupeAndOrder() async throws {
        // Expects Prometheus's exemplar rules, with drops reported in the append result.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        let exemplar = Self.exemplar(2000, trace: "aaaa")
        try await StoreTest.write(store, StoreTest.batch([(Self.series, StoreTest.samples([2000]))], exemplars: [Self.series: [exemplar]]))
        let again = try await StoreTest.write(store, StoreTest.batch(
            [(Self.series, StoreTest.samples([3000]))], exemplars: [Self.series: [exemplar, Self.exemplar(1000, trace: "bbbb")]]))
        #expect(again.samplesWritten == 1)
        #expect(again.exemplarsWritten == 1)
        #expect(again.exemplarsDropped == 1)
        try await store.checkpoint()
        // After a restart the newest exemplar is not remembered, but the table still keeps one copy.
        await store.close()
        store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([(Self.series, StoreTest.samples([4000]))], exemplars: [Self.series: [exemplar]]))
        try await store.checkpoint()
        let stored = try store.exemplars([[StoreTest.matcher(.equal, "le", "0.5")]], mint: 0, maxt: 10_000)
        #expect(stored.first?.exemplars == [exemplar])
        await store.close()
    }

    @Test("an exemplar whose labels exceed 128 characters is dropped, its sample kept")
    func tooLong() async throws {
        // Expects the length limit Prometheus applies, counted as a drop.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let long = Exemplar(labels: StoreTest.labels(["trace_id": String(repeating: "é", count: 121)]), value: 1, timestamp: 1000)
        let fits = Exemplar(labels: StoreTest.labels(["trace_id": String(repeating: "é", count: 120)]), value: 1, timestamp: 1000)
        let result = try await StoreTest.write(store, StoreTest.batch(
            [(Self.series, StoreTest.samples([1000]))], exemplars: [Self.series: [long]]))
        #expect(result.exemplarsDropped == 1)
        #expect(result.samplesWritten == 1)
        let other = StoreTest.labels(["__name__": "other"])
        let second = try await StoreTest.write(store, StoreTest.batch([(other, StoreTest.samples([1000]))], exemplars: [other: [fits]]))
        #expect(second.exemplarsWritten == 1)
        await store.close()
    }
}

@Suite("Metric store: exemplar label encoding")
struct StoreExemplarEncodingTests {
    @Test("exemplar labels round-trip, with hex ids stored in half the bytes", arguments: [
        ["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"],
        ["trace_id": "4BF92F35", "odd": "abc", "mixed": "12g4", "empty_name_not": "0"],
        ["unicode": "é☃", "digits": "1234"],
    ])
    func roundTrip(labels: [String: String]) {
        // Expects every value back exactly, whatever its shape.
        var batch = WriteBatch()
        let expected = Labels(labels.map { Label(name: $0.key, value: $0.value) })
        let exemplar = Exemplar(labels: expected, value: 1, timestamp: 1)
        batch.append(labels: StoreTest.labels(["__name__": "m"]), exemplars: [exemplar])
        var encoded: [UInt8] = []
        batch.bytes.withUnsafeBytes { arena in
            batch.labelRefs.withUnsafeBufferPointer { refs in
                ExemplarLabelEncoding.encode(
                    arena: arena, refs: UnsafeBufferPointer(rebasing: refs[batch.exemplars[0].labels]), into: &encoded)
            }
        }
        #expect(ExemplarLabelEncoding.decode(encoded) == expected)
        if labels["span_id"] != nil {
            #expect(encoded.count < 50)
        }
        if labels.keys.sorted() == ["span_id", "trace_id"], labels.values.allSatisfy({ $0.count == 32 || $0.count == 16 }) {
            // Code bytes for both names, the ids as bytes: 2 + 1 + 16 + 2 + 1 + 8.
            #expect(encoded.count == 30, "\(encoded.count) bytes")
        }
        for length in 0..<encoded.count where length > 0 {
            _ = ExemplarLabelEncoding.decode(Array(encoded[..<length]))
        }
    }

    @Test("an exemplar label encoding written before name codes still decodes")
    func namesSpelledOutStillDecode() {
        // trace_id spelled out (as every encoding before codes was), then a hex value of 4 characters.
        var old: [UInt8] = [8] + Array("trace_id".utf8) + [4 << 1 | 1, 0xab, 0xcd]
        old += [3] + Array("env".utf8) + [4 << 1] + Array("prod".utf8)
        #expect(ExemplarLabelEncoding.decode(old) == Labels([Label(name: "trace_id", value: "abcd"), Label(name: "env", value: "prod")]))
        // An unknown code is refused, not read as some other name.
        #expect(ExemplarLabelEncoding.decode([0, UInt8(ExemplarLabelEncoding.knownNames.count), 0]) == nil)
    }
}
