import PivotModel
import PivotRemoteWrite
import Testing

/// Request bytes written out by hand from the .proto files (field number << 3 | wire type, then the value),
/// independent of `RemoteWriteEncoder`.
enum Fixtures {
    /// prometheus.WriteRequest: one series `up{job="api"}` with sample (1000 ms, 1.0), an exemplar
    /// `{trace_id="abc"}` 0.5 @ 999, and metadata for `up` (GAUGE, help "1 if up").
    static let v1: [UInt8] = {
        var b: [UInt8] = []
        b += [0x0A, 0x49]                                  // timeseries (1, LEN), 73 bytes
        b += [0x0A, 0x0E]                                  //   labels (1, LEN), 14 bytes
        b += [0x0A, 0x08] + ascii("__name__")              //     name (1, LEN)
        b += [0x12, 0x02] + ascii("up")                    //     value (2, LEN)
        b += [0x0A, 0x0A]                                  //   labels (1, LEN), 10 bytes
        b += [0x0A, 0x03] + ascii("job")
        b += [0x12, 0x03] + ascii("api")
        b += [0x12, 0x0C]                                  //   samples (2, LEN), 12 bytes
        b += [0x09] + le(1.0)                              //     value (1, I64)
        b += [0x10, 0xE8, 0x07]                            //     timestamp (2, VARINT) 1000
        b += [0x1A, 0x1D]                                  //   exemplars (3, LEN), 29 bytes
        b += [0x0A, 0x0F]                                  //     labels (1, LEN), 15 bytes
        b += [0x0A, 0x08] + ascii("trace_id")
        b += [0x12, 0x03] + ascii("abc")
        b += [0x11] + le(0.5)                              //     value (2, I64)
        b += [0x18, 0xE7, 0x07]                            //     timestamp (3, VARINT) 999
        b += [0x1A, 0x0F]                                  // metadata (3, LEN), 15 bytes
        b += [0x08, 0x02]                                  //   type (1, VARINT) GAUGE
        b += [0x12, 0x02] + ascii("up")                    //   metric_family_name (2, LEN)
        b += [0x22, 0x07] + ascii("1 if up")               //   help (4, LEN)
        return b
    }()

    /// io.prometheus.write.v2.Request with the same content, plus a sample start timestamp of 500.
    static let v2: [UInt8] = {
        var b: [UInt8] = []
        for symbol in ["", "__name__", "up", "job", "api", "trace_id", "abc", "1 if up"] {
            b += [0x22, UInt8(symbol.utf8.count)] + ascii(symbol)  // symbols (4, LEN), refs 0…7
        }
        b += [0x2A, 0x2F]                                  // timeseries (5, LEN), 47 bytes
        b += [0x0A, 0x04, 0x01, 0x02, 0x03, 0x04]          //   labels_refs (1, packed) __name__=up job=api
        b += [0x12, 0x0F]                                  //   samples (2, LEN), 15 bytes
        b += [0x09] + le(1.0)                              //     value (1, I64)
        b += [0x10, 0xE8, 0x07]                            //     timestamp (2) 1000
        b += [0x18, 0xF4, 0x03]                            //     start_timestamp (3) 500
        b += [0x22, 0x10]                                  //   exemplars (4, LEN), 16 bytes
        b += [0x0A, 0x02, 0x05, 0x06]                      //     labels_refs trace_id=abc
        b += [0x11] + le(0.5)                              //     value (2, I64)
        b += [0x18, 0xE7, 0x07]                            //     timestamp (3) 999
        b += [0x2A, 0x04]                                  //   metadata (5, LEN), 4 bytes
        b += [0x08, 0x02]                                  //     type (1) GAUGE
        b += [0x18, 0x07]                                  //     help_ref (3) "1 if up"
        return b
    }()

    static let expectedSeries = [
        SeriesView(
            labels: [Label(name: "__name__", value: "up"), Label(name: "job", value: "api")],
            samples: [Sample(timestamp: 1000, value: 1)], histograms: [],
            exemplars: [Exemplar(labels: Labels(["trace_id": "abc"]), value: 0.5, timestamp: 999)])
    ]

    static let expectedMetadata = [MetadataView(name: "up", metadata: MetricMetadata(type: .gauge, help: "1 if up"))]

    static func bytes(_ version: RemoteWriteVersion) -> [UInt8] { version == .v1 ? v1 : v2 }
}

@Suite struct HandBuiltFixtureTests {
    @Test(arguments: RemoteWriteVersion.allCases)
    func aHandWrittenRequestDecodesToTheExpectedBatch(version: RemoteWriteVersion) throws {
        // The bytes written from the .proto by hand decode to one series with its sample, exemplar and metadata.
        let decoded = try RemoteWriteDecoder().decodeUncompressed(Fixtures.bytes(version), version: version)
        #expect(decoded.batch.seriesViews == Fixtures.expectedSeries)
        #expect(decoded.batch.metadataViews == Fixtures.expectedMetadata)
        #expect(decoded.sampleStartTimestamps == (version == .v2 ? [500] : []))
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func labelsAreRangesIntoTheDecompressedBody(version: RemoteWriteVersion) throws {
        // The batch's arena is the body itself and each label is a range inside it, not a copy.
        let bytes = Fixtures.bytes(version)
        let decoded = try RemoteWriteDecoder().decodeUncompressed(bytes, version: version)
        #expect(decoded.batch.bytes == bytes)
        let name = decoded.batch.labelRefs[0].name
        #expect(Array(bytes[Int(name.offset)..<Int(name.offset + name.length)]) == ascii("__name__"))
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func theEncoderProducesTheHandWrittenBytes(version: RemoteWriteVersion) throws {
        // The encoder writes fields in schema order, so for the fixture's content it gives the same bytes.
        let decoded = try RemoteWriteDecoder().decodeUncompressed(Fixtures.bytes(version), version: version)
        let reencoded = RemoteWriteEncoder().encode(
            decoded.batch, version: version, sampleStartTimestamps: decoded.sampleStartTimestamps)
        #expect(reencoded == Fixtures.bytes(version))
    }

    @Test func unpackedLabelRefsAndUnknownFieldsAreAccepted() throws {
        // labels_refs sent one varint at a time, reserved field 6 and unknown fields of every wire type are fine.
        var b: [UInt8] = []
        for symbol in ["", "__name__", "up"] { b += [0x22, UInt8(symbol.utf8.count)] + ascii(symbol) }
        b += [0x0D, 0x01, 0x02, 0x03, 0x04]                // unknown field 1 (I32) at the top: skipped
        var series: [UInt8] = []
        series += [0x08, 0x01, 0x08, 0x02]                 // labels_refs (1, VARINT) twice
        series += [0x30, 0x96, 0x01]                       // reserved 6 (VARINT): old created_timestamp
        series += [0x12, 0x0B, 0x09] + le(2.0) + [0x10, 0x05]  // samples
        series += [0x79] + le(9.0)                         // unknown field 15 (I64)
        series += [0x82, 0x01, 0x02, 0xAA, 0xBB]           // unknown field 16 (LEN)
        b += [0x2A, UInt8(series.count)] + series
        let decoded = try RemoteWriteDecoder().decodeUncompressed(b, version: .v2)
        #expect(decoded.batch.seriesViews == [
            SeriesView(labels: [Label(name: "__name__", value: "up")], samples: [Sample(timestamp: 5, value: 2)],
                       histograms: [], exemplars: [])
        ])
    }

    @Test func histogramDeltasAreAcceptedPackedAndUnpacked() throws {
        // A native histogram with unpacked sint64 deltas and unpacked doubles decodes like the packed form.
        var h: [UInt8] = []
        h += [0x08, 0x03]                                  // count_int 3
        h += [0x20, 0x01]                                  // schema sint32 -1 (zigzag 1)
        h += [0x5A, 0x04, 0x08, 0x03, 0x10, 0x02]          // positive_spans {offset -2, length 2}
        h += [0x60, 0x04, 0x60, 0x01]                      // positive_deltas 2, -1 (unpacked)
        h += [0x78, 0x0A]                                  // timestamp 10
        h += [0x81, 0x01] + le(0.5)                        // custom_values (16, I64) unpacked
        var series: [UInt8] = [0x0A, 0x0C, 0x0A, 0x08] + ascii("__name__") + [0x12, 0x00]
        series += [0x22, UInt8(h.count)] + h
        let body: [UInt8] = [0x0A, UInt8(series.count)] + series
        let decoded = try RemoteWriteDecoder().decodeUncompressed(body, version: .v1)
        #expect(decoded.batch.histograms == [
            HistogramSample(
                timestamp: 10, schema: -1, sum: 0, zeroThreshold: 0,
                counts: .integer(count: 3, zeroCount: 0, positiveDeltas: [2, -1], negativeDeltas: []),
                positiveSpans: [BucketSpan(offset: -2, length: 2)], negativeSpans: [], customValues: [0.5])
        ])
    }
}
