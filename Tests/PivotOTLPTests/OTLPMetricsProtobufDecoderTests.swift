import Foundation
import PivotOTLP
import PivotWire
import SwiftProtobuf
import Testing

private typealias Request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
private typealias Metric = Opentelemetry_Proto_Metrics_V1_Metric
private typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
private typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue

private func kv(_ key: String, _ value: String) -> KeyValue {
    var pair = KeyValue()
    pair.key = key
    pair.value.stringValue = value
    return pair
}

private let traceID: [UInt8] = Array(1...16)
private let spanID: [UInt8] = Array(17...24)

/// A request with every metric kind, built with the generated (swift-protobuf) types.
private func everyKind() -> Request {
    var exemplar = Opentelemetry_Proto_Metrics_V1_Exemplar()
    exemplar.timeUnixNano = 1_700_000_000_500_000_000
    exemplar.asDouble = 0.25
    exemplar.traceID = .init(traceID)
    exemplar.spanID = .init(spanID)
    exemplar.filteredAttributes = [kv("user", "ann")]

    var gauge = Metric()
    gauge.name = "queue.depth"
    gauge.unit = "{item}"
    gauge.description_p = "Items waiting."
    var gaugePoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
    gaugePoint.timeUnixNano = 1_700_000_000_000_000_000
    gaugePoint.asInt = -7
    gaugePoint.attributes = [kv("queue", "a")]
    gauge.gauge.dataPoints = [gaugePoint]

    var sum = Metric()
    sum.name = "requests"
    var sumPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
    sumPoint.startTimeUnixNano = 1_600_000_000_000_000_000
    sumPoint.timeUnixNano = 1_700_000_000_000_000_000
    sumPoint.asDouble = 12.5
    sumPoint.exemplars = [exemplar]
    sumPoint.flags = 1
    sum.sum.dataPoints = [sumPoint]
    sum.sum.aggregationTemporality = .delta
    sum.sum.isMonotonic = true

    var histogram = Metric()
    histogram.name = "latency"
    histogram.unit = "s"
    var histogramPoint = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
    histogramPoint.timeUnixNano = 1_700_000_000_000_000_000
    histogramPoint.count = 6
    histogramPoint.sum = 1.5
    histogramPoint.bucketCounts = [1, 2, 3]
    histogramPoint.explicitBounds = [0.1, 1]
    histogramPoint.min = 0.01
    histogramPoint.max = 3
    histogramPoint.exemplars = [exemplar]
    histogram.histogram.dataPoints = [histogramPoint]
    histogram.histogram.aggregationTemporality = .cumulative

    var exponential = Metric()
    exponential.name = "size"
    var exponentialPoint = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint()
    exponentialPoint.timeUnixNano = 1_700_000_000_000_000_000
    exponentialPoint.count = 9
    exponentialPoint.sum = 40
    exponentialPoint.scale = -3
    exponentialPoint.zeroCount = 1
    exponentialPoint.zeroThreshold = 0.001
    exponentialPoint.positive.offset = -2
    exponentialPoint.positive.bucketCounts = [3, 0, 4]
    exponentialPoint.negative.offset = 5
    exponentialPoint.negative.bucketCounts = [1]
    exponential.exponentialHistogram.dataPoints = [exponentialPoint]
    exponential.exponentialHistogram.aggregationTemporality = .cumulative

    var summary = Metric()
    summary.name = "rpc"
    var summaryPoint = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint()
    summaryPoint.timeUnixNano = 1_700_000_000_000_000_000
    summaryPoint.count = 4
    summaryPoint.sum = 10
    var q = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint.ValueAtQuantile()
    q.quantile = 0.5
    q.value = 2
    summaryPoint.quantileValues = [q]
    summary.summary.dataPoints = [summaryPoint]

    var nested = AnyValue()
    var inner = AnyValue()
    inner.intValue = 3
    nested.arrayValue.values = [inner]
    var list = KeyValue()
    list.key = "list"
    list.value = nested

    var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
    scope.scope.name = "lib"
    scope.scope.version = "1.2"
    scope.metrics = [gauge, sum, histogram, exponential, summary]
    var resource = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
    resource.resource.attributes = [kv("service.name", "api"), list]
    resource.scopeMetrics = [scope]
    var request = Request()
    request.resourceMetrics = [resource]
    return request
}

@Suite struct OTLPMetricsProtobufDecoderTests {
    @Test func everyMetricKindDecodesToTheModel() throws {
        // Each kind and field written by swift-protobuf comes back in the model with the same values.
        let bytes: [UInt8] = try everyKind().serializedBytes()
        let decoded = try OTLPMetricsProtobufDecoder().decode(bytes)
        #expect(decoded.dataPointCount == 5)
        let resource = try #require(decoded.resourceMetrics.first)
        #expect(resource.attributes == [
            OTLPAttribute("service.name", "api"), OTLPAttribute(key: "list", value: .array([.int(3)])),
        ])
        let scope = try #require(resource.scopeMetrics.first)
        #expect(scope.scope == OTLPScope(name: "lib", version: "1.2"))
        let exemplar = OTLPExemplar(
            filteredAttributes: [OTLPAttribute("user", "ann")], timeUnixNano: 1_700_000_000_500_000_000, value: .double(0.25),
            spanID: spanID, traceID: traceID)
        #expect(scope.metrics[0] == OTLPMetric(
            name: "queue.depth", description: "Items waiting.", unit: "{item}",
            data: .gauge([OTLPNumberPoint(
                attributes: [OTLPAttribute("queue", "a")], timeUnixNano: 1_700_000_000_000_000_000, value: .int(-7))])))
        #expect(scope.metrics[1].data == .sum(OTLPSum(
            points: [OTLPNumberPoint(
                startTimeUnixNano: 1_600_000_000_000_000_000, timeUnixNano: 1_700_000_000_000_000_000, value: .double(12.5),
                exemplars: [exemplar], flags: 1)],
            temporality: .delta, isMonotonic: true)))
        #expect(scope.metrics[2].data == .histogram(OTLPHistogram(
            points: [OTLPHistogramPoint(
                timeUnixNano: 1_700_000_000_000_000_000, count: 6, sum: 1.5, bucketCounts: [1, 2, 3], explicitBounds: [0.1, 1],
                exemplars: [exemplar], min: 0.01, max: 3)],
            temporality: .cumulative)))
        #expect(scope.metrics[3].data == .exponentialHistogram(OTLPExponentialHistogram(
            points: [OTLPExponentialHistogramPoint(
                timeUnixNano: 1_700_000_000_000_000_000, count: 9, sum: 40, scale: -3, zeroCount: 1,
                positive: OTLPExponentialBuckets(offset: -2, bucketCounts: [3, 0, 4]),
                negative: OTLPExponentialBuckets(offset: 5, bucketCounts: [1]), zeroThreshold: 0.001)],
            temporality: .cumulative)))
        #expect(scope.metrics[4].data == .summary([OTLPSummaryPoint(
            timeUnixNano: 1_700_000_000_000_000_000, count: 4, sum: 10,
            quantileValues: [OTLPQuantileValue(quantile: 0.5, value: 2)])]))
    }

    @Test func aHistogramWithoutSumDecodesWithNoSum() throws {
        // `sum` is optional on histogram points: absent on the wire is nil, not 0.
        var request = everyKind()
        request.resourceMetrics[0].scopeMetrics[0].metrics[2].histogram.dataPoints[0].clearSum()
        let decoded = try OTLPMetricsProtobufDecoder().decode(try request.serializedBytes())
        guard case .histogram(let histogram) = decoded.resourceMetrics[0].scopeMetrics[0].metrics[2].data else {
            Issue.record("not a histogram")
            return
        }
        #expect(histogram.points[0].sum == nil)
    }

    @Test func anEmptyBodyIsAnEmptyRequest() throws {
        // An export with nothing in it decodes (and is answered with success).
        #expect(try OTLPMetricsProtobufDecoder().decode([UInt8]()).resourceMetrics.isEmpty)
    }

    @Test func everyTruncationOfAValidRequestIsAnErrorOrAPrefix() throws {
        // Cutting the body anywhere either fails with a decode error or decodes fewer resources; it never crashes.
        let bytes: [UInt8] = try everyKind().serializedBytes()
        var failures = 0
        for length in 0..<bytes.count {
            do {
                _ = try OTLPMetricsProtobufDecoder().decode(Array(bytes[0..<length]))
            } catch {
                failures += 1
                #expect([.truncated, .malformed, .wrongType].contains(error.code))
            }
        }
        #expect(failures > bytes.count / 2)
    }

    @Test(arguments: [(7, "trace_id"), (17, "trace_id"), (3, "span_id"), (9, "span_id")])
    func idsOfTheWrongLengthAreRejected(length: Int, field: String) throws {
        // A trace id must be 16 bytes and a span id 8 (or empty); another length is `.invalidID` naming the field.
        var request = everyKind()
        let id = Data(repeating: 0xab, count: length)
        if field == "trace_id" {
            request.resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[0].exemplars[0].traceID = id
        } else {
            request.resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[0].exemplars[0].spanID = id
        }
        let error = #expect(throws: OTLPDecodeError.self) { try OTLPMetricsProtobufDecoder().decode(try request.serializedBytes()) }
        #expect(error?.code == .invalidID)
        #expect(error?.message.contains(field) == true)
    }

    @Test func aKnownFieldWithTheWrongWireTypeIsRejected() throws {
        // Metric.name (field 1) sent as a varint is `.wrongType`, not silently skipped.
        // resource_metrics { scope_metrics { metrics { name: varint 5 } } }
        let metric: [UInt8] = [0x08, 0x05]
        let scope: [UInt8] = [0x12, UInt8(metric.count)] + metric
        let resource: [UInt8] = [0x12, UInt8(scope.count)] + scope
        let body: [UInt8] = [0x0a, UInt8(resource.count)] + resource
        let error = #expect(throws: OTLPDecodeError.self) { try OTLPMetricsProtobufDecoder().decode(body) }
        #expect(error?.code == .wrongType)
    }

    @Test func unknownFieldsAreSkipped() throws {
        // A field this version does not know (number 99, each wire type) is skipped and the rest decodes.
        var bytes: [UInt8] = try everyKind().serializedBytes()
        bytes += [0x98, 0x06, 0x01]  // field 99 varint
        bytes += [0x9a, 0x06, 0x02, 0x41, 0x42]  // field 99 length-delimited
        bytes += [0x99, 0x06] + [UInt8](repeating: 0, count: 8)  // field 99 fixed64
        bytes += [0x9d, 0x06] + [UInt8](repeating: 0, count: 4)  // field 99 fixed32
        #expect(try OTLPMetricsProtobufDecoder().decode(bytes).dataPointCount == 5)
    }

    @Test func deeplyNestedAttributeValuesAreRefused() throws {
        // An AnyValue array nested past the limit is `.tooDeep`, so a hostile body cannot exhaust the stack.
        var value = AnyValue()
        value.stringValue = "leaf"
        for _ in 0..<40 {
            var outer = AnyValue()
            outer.arrayValue.values = [value]
            value = outer
        }
        var request = everyKind()
        var attribute = KeyValue()
        attribute.key = "deep"
        attribute.value = value
        request.resourceMetrics[0].resource.attributes.append(attribute)
        let error = #expect(throws: OTLPDecodeError.self) { try OTLPMetricsProtobufDecoder().decode(try request.serializedBytes()) }
        #expect(error?.code == .tooDeep)
        #expect(throws: Never.self) { try OTLPMetricsProtobufDecoder(maxAnyValueDepth: 64).decode(try request.serializedBytes()) }
    }

    @Test func repeatedLongKeysAndValuesDecodeAsWritten() throws {
        // The decoder shares one String per repeated attribute string of more than 15 bytes: 40
        // distinct ones (more than it remembers), each on several points, strings of equal length
        // that differ in one byte, and short ones must all come back exactly.
        var metric = Metric()
        metric.name = "m"
        var points: [Opentelemetry_Proto_Metrics_V1_NumberDataPoint] = []
        var expected: [[OTLPAttribute]] = []
        for index in 0..<200 {
            let n = (index * 7) % 40
            let attributes = [
                ("http.request.method.\(String(format: "%02d", n))", "value-that-is-long-\(String(format: "%02d", n))"),
                ("short", "v\(n % 3)"),
            ]
            var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
            point.timeUnixNano = UInt64(index)
            point.asDouble = 1
            point.attributes = attributes.map { kv($0.0, $0.1) }
            points.append(point)
            expected.append(attributes.map { OTLPAttribute($0.0, $0.1) })
        }
        metric.gauge.dataPoints = points
        var request = Request()
        request.resourceMetrics = [.with { $0.scopeMetrics = [.with { $0.metrics = [metric] }] }]
        let decoded = try OTLPMetricsProtobufDecoder().decode(try request.serializedBytes())
        let metricData = try #require(decoded.resourceMetrics.first?.scopeMetrics.first?.metrics.first?.data)
        guard case .gauge(let decodedPoints) = metricData else {
            Issue.record("not a gauge")
            return
        }
        #expect(decodedPoints.map(\.attributes) == expected)
    }

    @Test func invalidUTF8InAMetricNameIsRejected() throws {
        // Strings must be UTF-8 (proto3); 0xff in a name is `.invalidUTF8`.
        let metric: [UInt8] = [0x0a, 0x02, 0x61, 0xff]
        let scope: [UInt8] = [0x12, UInt8(metric.count)] + metric
        let resource: [UInt8] = [0x12, UInt8(scope.count)] + scope
        let body: [UInt8] = [0x0a, UInt8(resource.count)] + resource
        let error = #expect(throws: OTLPDecodeError.self) { try OTLPMetricsProtobufDecoder().decode(body) }
        #expect(error?.code == .invalidUTF8)
    }

    @Test func packedAndUnpackedBucketCountsDecodeAlike() throws {
        // Repeated fixed64 bucket counts are read whether a sender packs them or not.
        // HistogramDataPoint { bucket_counts (6) unpacked: 2 and 5 }
        var point: [UInt8] = []
        for value: UInt8 in [2, 5] { point += [0x31, value, 0, 0, 0, 0, 0, 0, 0] }
        let histogram: [UInt8] = [0x0a, UInt8(point.count)] + point + [0x10, 0x02]
        let metric: [UInt8] = [0x0a, 0x01, 0x68, 0x4a, UInt8(histogram.count)] + histogram
        let scope: [UInt8] = [0x12, UInt8(metric.count)] + metric
        let resource: [UInt8] = [0x12, UInt8(scope.count)] + scope
        let body: [UInt8] = [0x0a, UInt8(resource.count)] + resource
        let decoded = try OTLPMetricsProtobufDecoder().decode(body)
        guard case .histogram(let h) = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data else {
            Issue.record("not a histogram")
            return
        }
        #expect(h.points[0].bucketCounts == [2, 5])
        #expect(h.temporality == .cumulative)
    }
}
