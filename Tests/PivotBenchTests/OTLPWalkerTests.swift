import Foundation
import PivotOTLP
import PivotWire
import SwiftProtobuf
import Testing

@testable import PivotBench

/// The zero-copy OTLP walker against the swift-protobuf oracle and against malformed input.
@Suite struct OTLPWalkerTests {
    typealias Request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest

    func walk(_ bytes: [UInt8]) throws -> OTLPTally {
        try bytes.withUnsafeBytes { raw throws(OTLPDecodeError) in try OTLPWalker().walk(raw) }
    }

    func exampleBytes() throws -> [UInt8] {
        try Request(jsonString: try ReferenceFiles.string("otlp-examples/metrics.json")).serializedBytes()
    }

    @Test func theWalkerSeesWhatSwiftProtobufSeesInTheBenchmarkRequest() throws {
        // Every count and checksum of the 1,000-point benchmark request matches the oracle's.
        let fixture = OTLPFixture()
        #expect(try walk(fixture.bytes) == fixture.expected)
        #expect(fixture.expected.points == 1_000)
    }

    @Test func theWalkerSeesWhatSwiftProtobufSeesInTheUpstreamExample() throws {
        // The reference example has sums, gauges, histograms and exponential histograms.
        let bytes = try exampleBytes()
        let oracle = OTLPTally(try Request(serializedBytes: bytes))
        #expect(try walk(bytes) == oracle)
        #expect(oracle.points == 4)
    }

    @Test func everyPrefixOfARequestIsAcceptedOrRejectedExactlyAsSwiftProtobufDoes() throws {
        // A cut at a field boundary is a valid shorter request; a cut inside a field is an error for both.
        let bytes = try exampleBytes()
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            let oracle = try? OTLPTally(Request(serializedBytes: prefix))
            let walked = try? walk(prefix)
            #expect(walked == oracle, "prefix of \(length) bytes")
        }
    }

    @Test func aTruncatedFieldIsReportedWithItsOffset() throws {
        // resource_metrics claims 10 bytes but the message ends after 2.
        #expect {
            try walk([0x0A, 0x0A, 0x0A, 0x00])
        } throws: { error in
            (error as? OTLPDecodeError)?.code == .truncated
        }
    }

    @Test func aKnownFieldWithTheWrongWireTypeIsRejected() throws {
        // resource_metrics (field 1) must be length-delimited; a varint there is an error, not a skipped field.
        #expect {
            try walk([0x08, 0x01])
        } throws: { error in
            (error as? OTLPDecodeError)?.code == .wrongType
        }
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        // Fields 2 (varint), 3 (fixed64), 4 (bytes) and 5 (fixed32) of the request are unknown.
        let bytes: [UInt8] = [0x10, 0x96, 0x01, 0x19] + [UInt8](repeating: 0, count: 8) + [0x22, 0x01, 0x00, 0x2D, 0, 0, 0, 0]
        #expect(try walk(bytes) == OTLPTally())
    }

    @Test func groupsAndOverlongVarintsAreMalformed() throws {
        // Wire type 3 (start group) and an eleven-byte varint both fail.
        for bytes: [UInt8] in [[0x0B], [0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01]] {
            #expect {
                try walk(bytes)
            } throws: { error in
                (error as? OTLPDecodeError)?.code == .malformed
            }
        }
    }

    @Test func anyValueNestedBeyondTheLimitIsRejected() throws {
        // 40 nested array_value levels exceed the default limit of 32; 10 levels are fine.
        func nested(_ levels: Int) throws -> [UInt8] {
            var value = Opentelemetry_Proto_Common_V1_AnyValue()
            value.stringValue = "leaf"
            for _ in 0..<levels {
                var outer = Opentelemetry_Proto_Common_V1_AnyValue()
                outer.arrayValue.values = [value]
                value = outer
            }
            var request = Request()
            var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
            var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
            attribute.key = "k"
            attribute.value = value
            resourceMetrics.resource.attributes = [attribute]
            request.resourceMetrics = [resourceMetrics]
            return try request.serializedBytes()
        }
        #expect(try walk(try nested(10)).stringBytes == 5)
        #expect {
            try walk(try nested(40))
        } throws: { error in
            (error as? OTLPDecodeError)?.code == .tooDeep
        }
    }

    @Test func packedAndUnpackedBucketCountsReadTheSame() throws {
        // HistogramDataPoint.bucket_counts (field 6) as one packed run or as two separate fixed64 fields.
        func request(point: [UInt8]) -> [UInt8] {
            let histogram: [UInt8] = [0x0A, UInt8(point.count)] + point
            let metric: [UInt8] = [0x4A, UInt8(histogram.count)] + histogram
            let scope: [UInt8] = [0x12, UInt8(metric.count)] + metric
            let resource: [UInt8] = [0x12, UInt8(scope.count)] + scope
            return [0x0A, UInt8(resource.count)] + resource
        }
        let packed = request(point: [0x32, 0x10] + le64(3) + le64(4))
        let unpacked = request(point: [0x31] + le64(3) + [0x31] + le64(4))
        let tally = try walk(packed)
        #expect(tally == (try walk(unpacked)))
        #expect(tally.bucketCountSum == 7)
        #expect(tally == OTLPTally(try Request(serializedBytes: packed)))
    }
}

func le64(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
