import PivotModel
import PivotRemoteWrite
import Testing

@Suite struct RoundTripTests {
    let decoder = RemoteWriteDecoder()
    let encoder = RemoteWriteEncoder()

    @Test func aRemoteWrite1BodyDecodesToTheBatchItWasEncodedFrom() throws {
        // Encoding a batch as 1.0 and decoding it gives back every series, sample, histogram, exemplar and metadata.
        let batch = richBatch()
        let decoded = try decoder.decode(body: encoder.encodeCompressed(batch, version: .v1), version: .v1)
        var expected = batch.seriesViews
        // 1.0 has no histogram start timestamp.
        for index in expected.indices {
            for h in expected[index].histograms.indices { expected[index].histograms[h].startTimestamp = 0 }
        }
        #expect(decoded.batch.seriesViews == expected)
        #expect(decoded.batch.metadataViews == batch.metadataViews)
        #expect(decoded.exemplarsDropped == 0)
        #expect(decoded.sampleStartTimestamps.isEmpty)
        #expect(decoded.version == .v1)
        expectWellFormed(decoded.batch)
    }

    @Test func aRemoteWrite2BodyDecodesToTheBatchItWasEncodedFrom() throws {
        // Encoding a batch as 2.0 and decoding it gives back everything, including histogram start timestamps.
        let batch = richBatch()
        let decoded = try decoder.decode(body: encoder.encodeCompressed(batch, version: .v2), version: .v2)
        #expect(decoded.batch.seriesViews == batch.seriesViews)
        #expect(decoded.batch.metadataViews == batch.metadataViews)
        #expect(decoded.exemplarsDropped == 0)
        expectWellFormed(decoded.batch)
    }

    @Test func remoteWrite2LabelsPointIntoTheSymbolTableWithoutCopies() throws {
        // In 2.0 two series sharing a label value share one byte range: the symbol's.
        var batch = WriteBatch()
        batch.append(labels: Labels(["__name__": "a", "job": "shared"]), samples: [Sample(timestamp: 1, value: 1)])
        batch.append(labels: Labels(["__name__": "b", "job": "shared"]), samples: [Sample(timestamp: 1, value: 2)])
        let decoded = try decoder.decodeUncompressed(encoder.encode(batch, version: .v2), version: .v2)
        let first = decoded.batch.labelRefs[decoded.batch.series[0].labels]
        let second = decoded.batch.labelRefs[decoded.batch.series[1].labels]
        #expect(first.last!.value == second.last!.value)
        #expect(decoded.batch.string(first.last!.value) == "shared")
    }

    @Test func sampleStartTimestampsOfRemoteWrite2SurviveARoundTrip() throws {
        // 2.0 sample start timestamps come back index for index with the samples; 0 means unset.
        var batch = WriteBatch()
        batch.append(
            labels: Labels(["__name__": "c_total"]),
            samples: [Sample(timestamp: 10, value: 1), Sample(timestamp: 20, value: 2), Sample(timestamp: 30, value: 3)])
        let decoded = try decoder.decodeUncompressed(
            encoder.encode(batch, version: .v2, sampleStartTimestamps: [0, 5, 5]), version: .v2)
        #expect(decoded.sampleStartTimestamps == [0, 5, 5])
        let none = try decoder.decodeUncompressed(encoder.encode(batch, version: .v2), version: .v2)
        #expect(none.sampleStartTimestamps.isEmpty)
    }

    @Test func remoteWrite2MetadataIsKeptOncePerMetricName() throws {
        // Metadata sent with each of several series of one name is reported once, under the series' __name__.
        var batch = WriteBatch()
        for pod in ["a", "b", "c"] {
            batch.append(labels: Labels(["__name__": "up", "pod": pod]), samples: [Sample(timestamp: 1, value: 1)])
        }
        batch.append(labels: Labels(["__name__": "no_metadata"]), samples: [Sample(timestamp: 1, value: 1)])
        batch.metadata = [(name: "up", metadata: MetricMetadata(type: .gauge, help: "Is it up?"))]
        let decoded = try decoder.decodeUncompressed(encoder.encode(batch, version: .v2), version: .v2)
        #expect(decoded.batch.metadataViews == [MetadataView(name: "up", metadata: MetricMetadata(type: .gauge, help: "Is it up?"))])
    }

    @Test func aMetadataOnlyRemoteWrite1RequestIsAccepted() throws {
        // Prometheus sends metadata in requests without series; they decode to a batch with metadata only.
        var batch = WriteBatch()
        batch.metadata = [(name: "up", metadata: MetricMetadata(type: .gauge, help: "h", unit: "u"))]
        let decoded = try decoder.decode(body: encoder.encodeCompressed(batch, version: .v1), version: .v1)
        #expect(decoded.batch.series.isEmpty)
        #expect(decoded.batch.metadataViews == batch.metadataViews)
        #expect(!decoded.batch.isEmpty)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func anEmptyBodyIsAnEmptyBatch(version: RemoteWriteVersion) throws {
        // A body with no fields decodes to an empty batch, not an error.
        let decoded = try decoder.decode(body: Snappy.compress([]), version: version)
        #expect(decoded.batch.isEmpty)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func staleMarkersKeepTheirExactBits(version: RemoteWriteVersion) throws {
        // The staleness NaN (0x7ff0000000000002) arrives bit for bit.
        var batch = WriteBatch()
        batch.append(labels: Labels(["__name__": "up"]), samples: [Sample(timestamp: 7, value: StaleMarker.value)])
        let decoded = try decoder.decodeUncompressed(encoder.encode(batch, version: version), version: version)
        #expect(decoded.batch.samples.count == 1)
        #expect(decoded.batch.samples[0].isIdentical(to: Sample(timestamp: 7, value: StaleMarker.value)))
    }

    @Test func aRemoteWrite1BodyReadAsRemoteWrite2IsEmpty() throws {
        // 2.0 reserves 1.0's field numbers, so a 1.0 body sent with the 2.0 content type decodes to nothing.
        let decoded = try decoder.decodeUncompressed(encoder.encode(richBatch(), version: .v1), version: .v2)
        #expect(decoded.batch.series.isEmpty)
    }

    @Test func manySeriesRoundTripInOrder() throws {
        // A 2,000-series request decodes to the same 2,000 series in order, in both versions.
        var batch = WriteBatch()
        for i in 0..<2000 {
            batch.append(
                labels: Labels(["__name__": "m\(i % 7)", "instance": "host-\(i)", "job": "j"]),
                samples: [Sample(timestamp: Int64(i), value: Double(i) / 3)])
        }
        for version in RemoteWriteVersion.allCases {
            let decoded = try decoder.decode(body: encoder.encodeCompressed(batch, version: version), version: version)
            #expect(decoded.batch.seriesViews == batch.seriesViews)
        }
    }
}
