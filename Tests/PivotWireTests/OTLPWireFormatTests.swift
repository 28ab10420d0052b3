import Foundation
import PivotWire
import SwiftProtobuf
import Testing

/// OTLP messages decoded with the generated types, from hand-written bytes and from the upstream JSON example.
@Suite struct OTLPWireFormatTests {
    typealias Request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest

    @Test func theUpstreamMetricsExampleDecodesAndSurvivesABinaryRoundTrip() throws {
        // reference/otlp-examples/metrics.json (no trace ids, so plain proto3 JSON) names every field we define.
        let json = try ReferenceFiles.string("otlp-examples/metrics.json")
        let request = try Request(jsonString: json)
        let metrics = try #require(request.resourceMetrics.first?.scopeMetrics.first?.metrics)
        #expect(metrics.map(\.name) == ["my.counter", "my.gauge", "my.histogram", "my.exponential.histogram"])
        #expect(metrics[0].sum.dataPoints.count == 1)
        #expect(metrics[0].sum.aggregationTemporality == .delta)
        #expect(metrics[0].sum.isMonotonic)
        #expect(metrics[2].histogram.dataPoints.first?.hasSum == true)
        #expect(metrics[3].exponentialHistogram.dataPoints.first?.hasPositive == true)

        let bytes: [UInt8] = try request.serializedBytes()
        #expect(try Request(serializedBytes: bytes) == request)
    }

    @Test func aNumberPointReadsAsIntFromField6AsSfixed64() throws {
        // NumberDataPoint{3: fixed64 time_unix_nano, 6: sfixed64 as_int, 7: KeyValue attributes}.
        let keyValue: [UInt8] = [0x0A, 0x01, 0x6B, 0x12, 0x02, 0x18, 0x01]
        let bytes: [UInt8] = [0x19] + le64Bits(42) + [0x31] + le64Bits(UInt64(bitPattern: -3))
            + [0x3A, UInt8(keyValue.count)] + keyValue
        let point = try Opentelemetry_Proto_Metrics_V1_NumberDataPoint(serializedBytes: bytes)
        #expect(point.timeUnixNano == 42)
        #expect(point.value == .asInt(-3))
        #expect(point.attributes.first?.key == "k")
        #expect(point.attributes.first?.value.value == .intValue(1))
    }

    @Test func aHistogramPointTellsAnExplicitZeroSumFromAnAbsentOne() throws {
        // HistogramDataPoint.sum is proto3 `optional` (field 5): 0.0 on the wire is present, no field is absent.
        let withZero = try Opentelemetry_Proto_Metrics_V1_HistogramDataPoint(serializedBytes: [0x29] + le64(0))
        let without = try Opentelemetry_Proto_Metrics_V1_HistogramDataPoint(serializedBytes: [UInt8]())
        #expect(withZero.hasSum)
        #expect(!without.hasSum)
    }

    @Test func aSpanReadsFlagsFromField16AndItsStatusCodeFromField3() throws {
        // Span{16: fixed32 flags, 15: Status{3: StatusCode code}}; Status field 1 is reserved upstream.
        let bytes: [UInt8] = [0x85, 0x01, 0x01, 0x03, 0x00, 0x00, 0x7A, 0x02, 0x18, 0x02]
        let span = try Opentelemetry_Proto_Trace_V1_Span(serializedBytes: bytes)
        #expect(span.flags == 0x301)
        #expect(span.status.code == .error)
    }

    @Test func aPartialSuccessResponseEncodesRejectedPointsAndMessage() throws {
        // ExportMetricsServiceResponse{1: ExportMetricsPartialSuccess{1: int64 rejected_data_points, 2: error_message}}.
        var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
        response.partialSuccess.rejectedDataPoints = 2
        response.partialSuccess.errorMessage = "x"
        let bytes: [UInt8] = try response.serializedBytes()
        #expect(bytes == [0x0A, 0x05, 0x08, 0x02, 0x12, 0x01, 0x78])
    }
}

func le64Bits(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
