import PivotWire
import SwiftProtobuf
import Testing

/// Bytes written by hand from the field numbers of the upstream `prompb` definitions, decoded with the
/// generated types: a wrong number or type in `proto/prometheus/` fails here.
@Suite struct RemoteWireFormatTests {
    @Test func aRemoteWriteRequestWrittenByFieldNumberDecodesIntoTheGeneratedTypes() throws {
        // WriteRequest{1: TimeSeries{1: Label, 2: Sample, 3: Exemplar}, 3: MetricMetadata} decodes field for field.
        let label: [UInt8] = [0x0A, 0x08] + Array("__name__".utf8) + [0x12, 0x02] + Array("up".utf8)
        let sample: [UInt8] = [0x09] + le64(1.5) + [0x10, 0x7B]
        let exemplar: [UInt8] = [0x0A, UInt8(label.count)] + label + [0x11] + le64(2) + [0x18, 0x05]
        let series: [UInt8] = [0x0A, UInt8(label.count)] + label + [0x12, UInt8(sample.count)] + sample
            + [0x1A, UInt8(exemplar.count)] + exemplar
        let metadata: [UInt8] = [0x08, 0x03, 0x12, 0x02] + Array("up".utf8) + [0x22, 0x01, 0x68, 0x2A, 0x01, 0x73]
        let bytes = [0x0A, UInt8(series.count)] + series + [0x1A, UInt8(metadata.count)] + metadata

        let request = try Prometheus_WriteRequest(serializedBytes: bytes)

        #expect(request.timeseries.count == 1)
        let decoded = try #require(request.timeseries.first)
        #expect(decoded.labels.map(\.name) == ["__name__"])
        #expect(decoded.labels.map(\.value) == ["up"])
        #expect(decoded.samples.first?.value == 1.5)
        #expect(decoded.samples.first?.timestamp == 123)
        #expect(decoded.exemplars.first?.labels.first?.value == "up")
        #expect(decoded.exemplars.first?.timestamp == 5)
        #expect(request.metadata.first?.type == .histogram)
        #expect(request.metadata.first?.metricFamilyName == "up")
        #expect(request.metadata.first?.help == "h")
        #expect(request.metadata.first?.unit == "s")
        #expect(request.unknownFields.data.isEmpty)
        #expect(try request.serializedBytes() == bytes)
    }

    @Test func aNativeHistogramKeepsItsOneofsZigZagFieldsAndResetHint() throws {
        // Histogram: count_int 1, zero_count_float 7, schema 4 (sint32), positive_deltas 12 (packed sint64), reset_hint 14.
        let bytes: [UInt8] = [0x08, 0x05, 0x20, 0x03, 0x39] + le64(0.5) + [0x62, 0x02, 0x02, 0x01, 0x70, 0x03]
        let histogram = try Prometheus_Histogram(serializedBytes: bytes)
        #expect(histogram.count == .countInt(5))
        #expect(histogram.schema == -2)
        #expect(histogram.zeroCount == .zeroCountFloat(0.5))
        #expect(histogram.positiveDeltas == [1, -1])
        #expect(histogram.resetHint == .gauge)
    }

    @Test func aRemoteWrite2RequestReadsSymbolsAtField4AndSeriesAtField5() throws {
        // Request{4: symbols, 5: TimeSeries{1: packed labels_refs, 2: Sample{3: start_timestamp}}}.
        let sample: [UInt8] = [0x09] + le64(7) + [0x10, 0x0A, 0x18, 0x09]
        let series: [UInt8] = [0x0A, 0x02, 0x01, 0x02, 0x12, UInt8(sample.count)] + sample
        let bytes: [UInt8] = [0x22, 0x00, 0x22, 0x01, 0x61, 0x22, 0x01, 0x62, 0x2A, UInt8(series.count)] + series
        let request = try Io_Prometheus_Write_V2_Request(serializedBytes: bytes)
        #expect(request.symbols == ["", "a", "b"])
        #expect(request.timeseries.first?.labelsRefs == [1, 2])
        #expect(request.timeseries.first?.samples.first?.startTimestamp == 9)
    }

    @Test func aStatusCarriesCodeMessageAndDetailsAtFields1To3() throws {
        // google.rpc.Status{1: int32 code, 2: string message, 3: repeated Any details}, as OTLP/HTTP errors use it.
        var status = Google_Rpc_Status()
        status.code = 3
        status.message = "bad"
        var detail = Google_Protobuf_Any()
        detail.typeURL = "t"
        status.details = [detail]
        let bytes: [UInt8] = try status.serializedBytes()
        #expect(bytes == [0x08, 0x03, 0x12, 0x03] + Array("bad".utf8) + [0x1A, 0x03, 0x0A, 0x01, 0x74])
    }
}

/// The little-endian bytes of a double, as protobuf writes `double` and `fixed64`.
func le64(_ value: Double) -> [UInt8] {
    withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
}
