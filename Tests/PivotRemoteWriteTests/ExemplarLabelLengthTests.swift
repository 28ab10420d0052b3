import PivotModel
import PivotRemoteWrite
import Testing

@Suite struct ExemplarLabelLengthTests {
    /// A series with one sample and one exemplar `{trace_id=<value>}`; "trace_id" is 8 characters.
    static func batch(exemplarValue: String) -> WriteBatch {
        var batch = WriteBatch()
        batch.append(
            labels: Labels(["__name__": "latency_seconds"]),
            samples: [Sample(timestamp: 1, value: 0.2)],
            exemplars: [Exemplar(labels: Labels(["trace_id": exemplarValue]), value: 0.2, timestamp: 1)])
        return batch
    }

    static let cases: [(String, Int, Bool)] = [
        ("a", 120, true),     // 8 + 120 = 128 characters: kept
        ("a", 121, false),    // 129: dropped
        ("é", 120, true),     // 2-byte characters count once: 240 bytes but 128 characters
        ("é", 121, false),
        ("🍵", 120, true),    // 4-byte characters count once: 480 bytes
        ("🍵", 121, false),
    ]

    @Test(arguments: RemoteWriteVersion.allCases, cases)
    func exemplarsLongerThan128CharactersAreDroppedAndCounted(
        version: RemoteWriteVersion, c: (String, Int, Bool)
    ) throws {
        // An exemplar label set of exactly 128 characters is kept; 129 is dropped and counted; samples stay.
        let (character, count, kept) = c
        let value = String(repeating: character, count: count)
        let decoded = try RemoteWriteDecoder().decode(
            body: RemoteWriteEncoder().encodeCompressed(Self.batch(exemplarValue: value), version: version),
            version: version)
        #expect(decoded.batch.samples.count == 1)
        #expect(decoded.batch.exemplars.count == (kept ? 1 : 0))
        #expect(decoded.exemplarsDropped == (kept ? 0 : 1))
        if kept {
            #expect(decoded.batch.exemplar(decoded.batch.exemplars[0]).labels["trace_id"] == value)
        }
        expectWellFormed(decoded.batch)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func aDroppedExemplarLeavesItsNeighboursIntact(version: RemoteWriteVersion) throws {
        // Dropping the middle exemplar of three keeps the other two with their own labels.
        var batch = WriteBatch()
        batch.append(
            labels: Labels(["__name__": "m"]),
            samples: [Sample(timestamp: 1, value: 1)],
            exemplars: [
                Exemplar(labels: Labels(["trace_id": "first"]), value: 1, timestamp: 1),
                Exemplar(labels: Labels(["trace_id": String(repeating: "x", count: 200)]), value: 2, timestamp: 2),
                Exemplar(labels: Labels(["span_id": "b", "trace_id": "third"]), value: 3, timestamp: 3),
            ])
        let decoded = try RemoteWriteDecoder().decodeUncompressed(
            RemoteWriteEncoder().encode(batch, version: version), version: version)
        #expect(decoded.exemplarsDropped == 1)
        #expect(decoded.batch.seriesViews[0].exemplars == [
            Exemplar(labels: Labels(["trace_id": "first"]), value: 1, timestamp: 1),
            Exemplar(labels: Labels(["span_id": "b", "trace_id": "third"]), value: 3, timestamp: 3),
        ])
        #expect(decoded.batch.seriesViews[0].labels == [Label(name: "__name__", value: "m")])
    }
}
