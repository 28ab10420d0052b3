import Foundation
import PivotOTLP
import PivotWire
import SwiftProtobuf
import Testing

@Suite struct OTLPMetricsJSONDecoderTests {
    private func decode(_ text: String) throws(OTLPDecodeError) -> OTLPMetricsRequest {
        try OTLPMetricsJSONDecoder().decode(Array(text.utf8))
    }

    private func decodeError(_ text: String, maxDepth: Int = 64) -> OTLPDecodeError? {
        do {
            _ = try OTLPMetricsJSONDecoder(maxDepth: maxDepth).decode(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// A request with one metric whose JSON is `metric`.
    private func request(metric: String) -> String {
        #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":["# + metric + "]}]}]}"
    }

    /// A request with one gauge point whose JSON is `point`.
    private func gaugePoint(_ point: String) -> String {
        request(metric: #"{"name":"g","gauge":{"dataPoints":["# + point + "]}}")
    }

    private func onlyMetric(_ request: OTLPMetricsRequest) throws -> OTLPMetric {
        try #require(request.resourceMetrics.first?.scopeMetrics.first?.metrics.first)
    }

    private func onlyGaugePoint(_ request: OTLPMetricsRequest) throws -> OTLPNumberPoint {
        guard case .gauge(let points) = try onlyMetric(request).data, let point = points.first else {
            Issue.record("no gauge point in \(request)")
            throw CancellationError()
        }
        return point
    }

    private func exemplar(_ json: String) throws(OTLPDecodeError) -> OTLPExemplar? {
        let decoded = try decode(gaugePoint(#"{"timeUnixNano":"1","asInt":"1","exemplars":["# + json + "]}"))
        return try? onlyGaugePoint(decoded).exemplars.first
    }

    /// Reads a file of /work/shared/reference by walking up from this file to the directory holding `shared`.
    private func referenceFile(_ relativePath: String) throws -> [UInt8] {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/reference/" + relativePath)
            if FileManager.default.fileExists(atPath: candidate.path) {
                return Array(try Data(contentsOf: candidate))
            }
            directory.deleteLastPathComponent()
        }
        Issue.record("shared/reference/\(relativePath) not found above \(#filePath)")
        throw CancellationError()
    }

    // MARK: - Whole requests

    @Test func theSpecificationsMetricsExampleDecodes() throws {
        // opentelemetry-proto's examples/metrics.json gives every metric with its kind and point values.
        let decoded = try OTLPMetricsJSONDecoder().decode(try referenceFile("otlp-examples/metrics.json"))
        let resource = try #require(decoded.resourceMetrics.first)
        #expect(resource.attributes == [OTLPAttribute("service.name", "my.service")])
        let scope = try #require(resource.scopeMetrics.first)
        #expect(scope.scope == OTLPScope(name: "my.library", version: "1.0.0",
                                         attributes: [OTLPAttribute("my.scope.attribute", "some scope attribute")]))
        #expect(scope.metrics.map(\.name) == ["my.counter", "my.gauge", "my.histogram", "my.exponential.histogram"])
        let time: UInt64 = 1_544_712_660_300_000_000
        #expect(scope.metrics[0] == OTLPMetric(
            name: "my.counter", description: "I am a Counter", unit: "1",
            data: .sum(OTLPSum(
                points: [OTLPNumberPoint(attributes: [OTLPAttribute("my.counter.attr", "some value")],
                                         startTimeUnixNano: time, timeUnixNano: time, value: .double(5))],
                temporality: .delta, isMonotonic: true))))
        #expect(scope.metrics[1].data == .gauge([
            OTLPNumberPoint(attributes: [OTLPAttribute("my.gauge.attr", "some value")], timeUnixNano: time, value: .double(10)),
        ]))
        #expect(scope.metrics[2].data == .histogram(OTLPHistogram(
            points: [OTLPHistogramPoint(
                attributes: [OTLPAttribute("my.histogram.attr", "some value")], startTimeUnixNano: time,
                timeUnixNano: time, count: 2, sum: 2, bucketCounts: [1, 1], explicitBounds: [1], min: 0, max: 2)],
            temporality: .delta)))
        #expect(scope.metrics[3].data == .exponentialHistogram(OTLPExponentialHistogram(
            points: [OTLPExponentialHistogramPoint(
                attributes: [OTLPAttribute("my.exponential.histogram.attr", "some value")], startTimeUnixNano: time,
                timeUnixNano: time, count: 3, sum: 10, scale: 0, zeroCount: 1,
                positive: OTLPExponentialBuckets(offset: 1, bucketCounts: [0, 2]), min: 0, max: 5, zeroThreshold: 0)],
            temporality: .delta)))
        #expect(decoded.dataPointCount == 4)
    }

    /// One metric of every kind, every AnyValue kind and an exemplar with ids: the model the JSON
    /// documents in the tests below must decode to.
    private static let everyKind = OTLPMetricsRequest(resourceMetrics: [
        OTLPResourceMetrics(
            attributes: [
                OTLPAttribute("service.name", "api"),
                OTLPAttribute(key: "flag", value: .bool(true)),
                OTLPAttribute(key: "big", value: .int(-9_223_372_036_854_775_808)),
                OTLPAttribute(key: "ratio", value: .double(0.25)),
                OTLPAttribute(key: "raw", value: .bytes([0xFB, 0xFF, 0x00])),
                OTLPAttribute(key: "list", value: .array([.string("a"), .int(2), .empty])),
                OTLPAttribute(key: "map", value: .keyValueList([OTLPAttribute("k", "v")])),
            ],
            scopeMetrics: [OTLPScopeMetrics(
                scope: OTLPScope(name: "lib", version: "2"),
                metrics: [
                    OTLPMetric(name: "temperature", unit: "Cel", data: .gauge([
                        OTLPNumberPoint(timeUnixNano: 18_446_744_073_709_551_615, value: .int(-7), flags: 1),
                    ])),
                    OTLPMetric(name: "requests", description: "served", data: .sum(OTLPSum(
                        points: [OTLPNumberPoint(
                            attributes: [OTLPAttribute("code", "200")], startTimeUnixNano: 100, timeUnixNano: 200,
                            value: .double(1.5),
                            exemplars: [OTLPExemplar(
                                filteredAttributes: [OTLPAttribute("user", "u1")], timeUnixNano: 150, value: .int(3),
                                spanID: [0, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7],
                                traceID: [0x4B, 0xF9, 0x2F, 0x35, 0x77, 0xB3, 0x4D, 0xA6,
                                          0xA3, 0xCE, 0x92, 0x9D, 0x0E, 0x0E, 0x47, 0x36])])],
                        temporality: .cumulative, isMonotonic: true))),
                    OTLPMetric(name: "latency", unit: "s", data: .histogram(OTLPHistogram(
                        points: [
                            OTLPHistogramPoint(timeUnixNano: 300, count: 4, sum: 2.5, bucketCounts: [1, 2, 1],
                                               explicitBounds: [0.1, 1], min: 0.05, max: 1.5),
                            OTLPHistogramPoint(timeUnixNano: 400, count: 0),
                        ],
                        temporality: .delta))),
                    OTLPMetric(name: "sizes", data: .exponentialHistogram(OTLPExponentialHistogram(
                        points: [OTLPExponentialHistogramPoint(
                            timeUnixNano: 500, count: 6, sum: -1, scale: -3, zeroCount: 1,
                            positive: OTLPExponentialBuckets(offset: 2, bucketCounts: [1, 2]),
                            negative: OTLPExponentialBuckets(offset: -4, bucketCounts: [2]), zeroThreshold: 1e-9)],
                        temporality: .cumulative))),
                    OTLPMetric(name: "quantiles", data: .summary([
                        OTLPSummaryPoint(timeUnixNano: 600, count: 10, sum: 55, quantileValues: [
                            OTLPQuantileValue(quantile: 0.5, value: 5), OTLPQuantileValue(quantile: 1, value: 10),
                        ]),
                    ])),
                    OTLPMetric(name: "empty", data: .none),
                ],
                schemaURL: "https://opentelemetry.io/schemas/1.21.0")],
            schemaURL: "https://example.com/resource"),
    ])

    private static let everyKindJSON = #"""
        {"resourceMetrics": [{
          "resource": {"attributes": [
            {"key": "service.name", "value": {"stringValue": "api"}},
            {"key": "flag", "value": {"boolValue": true}},
            {"key": "big", "value": {"intValue": "-9223372036854775808"}},
            {"key": "ratio", "value": {"doubleValue": 0.25}},
            {"key": "raw", "value": {"bytesValue": "+/8A"}},
            {"key": "list", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": 2}, {}]}}},
            {"key": "map", "value": {"kvlistValue": {"values": [{"key": "k", "value": {"stringValue": "v"}}]}}}
          ], "droppedAttributesCount": 0},
          "schemaUrl": "https://example.com/resource",
          "scopeMetrics": [{
            "scope": {"name": "lib", "version": "2"},
            "schemaUrl": "https://opentelemetry.io/schemas/1.21.0",
            "metrics": [
              {"name": "temperature", "unit": "Cel", "gauge": {"dataPoints": [
                {"timeUnixNano": "18446744073709551615", "asInt": "-7", "flags": 1}]}},
              {"name": "requests", "description": "served", "sum": {
                "aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
                {"attributes": [{"key": "code", "value": {"stringValue": "200"}}],
                 "startTimeUnixNano": "100", "timeUnixNano": 200, "asDouble": 1.5,
                 "exemplars": [{"filteredAttributes": [{"key": "user", "value": {"stringValue": "u1"}}],
                   "timeUnixNano": "150", "asInt": 3,
                   "traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00F067AA0BA902B7"}]}]}},
              {"name": "latency", "unit": "s", "histogram": {"aggregationTemporality": 1, "dataPoints": [
                {"timeUnixNano": "300", "count": "4", "sum": 2.5, "bucketCounts": ["1", 2, "1"],
                 "explicitBounds": [0.1, 1], "min": 0.05, "max": 1.5},
                {"timeUnixNano": "400", "count": 0}]}},
              {"name": "sizes", "exponentialHistogram": {"aggregationTemporality": 2, "dataPoints": [
                {"timeUnixNano": "500", "count": "6", "sum": -1, "scale": -3, "zeroCount": "1",
                 "positive": {"offset": 2, "bucketCounts": ["1", "2"]},
                 "negative": {"offset": -4, "bucketCounts": ["2"]}, "zeroThreshold": 1e-9}]}},
              {"name": "quantiles", "summary": {"dataPoints": [
                {"timeUnixNano": "600", "count": "10", "sum": 55,
                 "quantileValues": [{"quantile": 0.5, "value": 5}, {"quantile": 1, "value": 10}]}]}},
              {"name": "empty"}
            ]}]}]}
        """#

    @Test func everyMetricKindDecodesIntoTheModel() throws {
        // Gauge, sum, histogram, exponential histogram and summary points, attributes of every AnyValue kind
        // and exemplar ids decode to exactly the expected model values.
        let decoded = try decode(Self.everyKindJSON)
        #expect(decoded.resourceMetrics.first?.attributes == Self.everyKind.resourceMetrics.first?.attributes)
        let expectedMetrics = Self.everyKind.resourceMetrics[0].scopeMetrics[0].metrics
        for (index, metric) in (decoded.resourceMetrics.first?.scopeMetrics.first?.metrics ?? []).enumerated() {
            #expect(metric == expectedMetrics[index])
        }
        #expect(decoded == Self.everyKind)
    }

    @Test func protoFieldNamesAreAcceptedAsWellAsCamelCase() throws {
        // snake_case keys (protobuf's own field names) decode the same as the lowerCamelCase ones.
        let renames: [(String, String)] = [
            ("resourceMetrics", "resource_metrics"),
            ("scopeMetrics", "scope_metrics"),
            ("dataPoints", "data_points"),
            ("startTimeUnixNano", "start_time_unix_nano"),
            ("timeUnixNano", "time_unix_nano"),
            ("asDouble", "as_double"),
            ("asInt", "as_int"),
            ("bucketCounts", "bucket_counts"),
            ("explicitBounds", "explicit_bounds"),
            ("aggregationTemporality", "aggregation_temporality"),
            ("isMonotonic", "is_monotonic"),
            ("quantileValues", "quantile_values"),
            ("zeroCount", "zero_count"),
            ("zeroThreshold", "zero_threshold"),
            ("exponentialHistogram", "exponential_histogram"),
            ("filteredAttributes", "filtered_attributes"),
            ("traceId", "trace_id"),
            ("spanId", "span_id"),
            ("schemaUrl", "schema_url"),
            ("Value\"", "_value\""),
        ]
        var snake = Self.everyKindJSON
        for (camel, proto) in renames {
            snake = snake.replacingOccurrences(of: camel, with: proto)
        }
        #expect(snake.contains("\"kvlist_value\"") && snake.contains("\"bytes_value\""))
        #expect(try decode(snake) == Self.everyKind)
    }

    // MARK: - Ids

    @Test func hexIDsAreCaseInsensitive() throws {
        // Upper, lower and mixed case hex give the same bytes; an empty string is an absent id.
        let lower = try exemplar(#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}"#)
        let upper = try exemplar(#"{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"}"#)
        let mixed = try exemplar(#"{"traceId":"5B8efff798038103D269b633813fc60C","spanId":"eEe19b7eC3c1b174"}"#)
        #expect(lower?.traceID == [0x5B, 0x8E, 0xFF, 0xF7, 0x98, 0x03, 0x81, 0x03,
                                   0xD2, 0x69, 0xB6, 0x33, 0x81, 0x3F, 0xC6, 0x0C])
        #expect(lower?.spanID == [0xEE, 0xE1, 0x9B, 0x7E, 0xC3, 0xC1, 0xB1, 0x74])
        #expect(upper == lower)
        #expect(mixed == lower)
        let empty = try exemplar(#"{"traceId":"","spanId":""}"#)
        #expect(empty?.traceID == [])
        #expect(empty?.spanID == [])
    }

    @Test func wrongLengthAndNonHexIDsAreInvalid() {
        // Ids must be exactly 32 / 16 hex digits; the error names the field and the length found.
        let cases: [(json: String, field: String, length: String)] = [
            (#"{"traceId":"5b8efff798038103d269b633813fc60"}"#, "traceId", "31 characters"),
            (#"{"traceId":"5b8efff798038103d269b633813fc60c00"}"#, "traceId", "34 characters"),
            (#"{"traceId":"W4777/mAOBA9JptjOBP8YM=="}"#, "traceId", "24 characters"),
            (#"{"traceId":"zb8efff798038103d269b633813fc60c"}"#, "traceId", "non-hex"),
            (#"{"spanId":"eee19b7ec3c1b17"}"#, "spanId", "15 characters"),
            (#"{"spanId":"eee19b7ec3c1b17g"}"#, "spanId", "non-hex"),
            (#"{"spanId":"eee19b7ec3c1b174eee19b7ec3c1b174"}"#, "spanId", "32 characters"),
        ]
        for (json, field, length) in cases {
            let error = decodeError(gaugePoint(#"{"timeUnixNano":"1","exemplars":["# + json + "]}"))
            #expect(error?.code == .invalidID, "\(json)")
            #expect(error?.message.contains("exemplars[0].\(field)") == true, "\(String(describing: error))")
            #expect(error?.message.contains(length) == true, "\(String(describing: error))")
        }
        #expect(decodeError(gaugePoint(#"{"exemplars":[{"traceId":7}]}"#))?.code == .wrongType)
    }

    // MARK: - Scalars

    @Test func sixtyFourBitIntegersAreAcceptedAsStringsOrNumbers() throws {
        // fixed64, uint64 and sfixed64 fields take decimal strings (exact over the full range) or numbers.
        let point = try onlyGaugePoint(decode(gaugePoint(
            #"{"startTimeUnixNano":1544712660300000000,"timeUnixNano":"18446744073709551615","asInt":"-9223372036854775808"}"#)))
        #expect(point.startTimeUnixNano == 1_544_712_660_300_000_000)
        #expect(point.timeUnixNano == UInt64.max)
        #expect(point.value == .int(Int64.min))
        #expect(try onlyGaugePoint(decode(gaugePoint(#"{"asInt":9223372036854775807}"#))).value == .int(Int64.max))
        #expect(try onlyGaugePoint(decode(gaugePoint(#"{"timeUnixNano":"1e3"}"#))).timeUnixNano == 1000)
        for bad in [#"{"timeUnixNano":"-1"}"#, #"{"timeUnixNano":"18446744073709551616"}"#, #"{"timeUnixNano":1.5}"#,
                    #"{"asInt":"9223372036854775808"}"#, #"{"timeUnixNano":"12abc"}"#, #"{"flags":4294967296}"#,
                    #"{"timeUnixNano":true}"#] {
            #expect(decodeError(gaugePoint(bad))?.code == .wrongType, "\(bad)")
        }
    }

    @Test func doublesAcceptNaNAndInfinityStrings() throws {
        // "NaN", "Infinity" and "-Infinity" (and numeric strings) are valid doubles in proto3 JSON.
        let nan = try onlyGaugePoint(decode(gaugePoint(#"{"asDouble":"NaN"}"#)))
        guard case .double(let value) = nan.value else { Issue.record("not a double: \(nan.value)"); return }
        #expect(value.isNaN)
        #expect(try onlyGaugePoint(decode(gaugePoint(#"{"asDouble":"Infinity"}"#))).value == .double(.infinity))
        #expect(try onlyGaugePoint(decode(gaugePoint(#"{"asDouble":"-Infinity"}"#))).value == .double(-.infinity))
        #expect(try onlyGaugePoint(decode(gaugePoint(#"{"asDouble":"2.5"}"#))).value == .double(2.5))
        #expect(decodeError(gaugePoint(#"{"asDouble":"nan"}"#))?.code == .wrongType)
        #expect(decodeError(gaugePoint(#"{"asDouble":"inf"}"#))?.code == .wrongType)
    }

    @Test func enumNamesAreAcceptedLeniently() throws {
        // Temporality is an integer in OTLP/JSON, but protobuf enum names decode too; unknown values are unspecified.
        func temporality(_ json: String) throws -> OTLPTemporality? {
            let metric = try onlyMetric(decode(request(metric: #"{"name":"h","histogram":{"aggregationTemporality":"# + json + "}}")))
            guard case .histogram(let histogram) = metric.data else { return nil }
            return histogram.temporality
        }
        #expect(try temporality("2") == .cumulative)
        #expect(try temporality(#""AGGREGATION_TEMPORALITY_CUMULATIVE""#) == .cumulative)
        #expect(try temporality(#""AGGREGATION_TEMPORALITY_DELTA""#) == .delta)
        #expect(try temporality(#""SOMETHING_ELSE""#) == .unspecified)
        #expect(try temporality("7") == .unspecified)
        #expect(decodeError(request(metric: #"{"histogram":{"aggregationTemporality":{}}}"#))?.code == .wrongType)
    }

    @Test func bytesValuesAreBase64InEitherAlphabet() throws {
        // bytesValue is standard or URL-safe base64, padded or not; anything else fails.
        func bytes(_ text: String) throws -> OTLPAnyValue? {
            let body = #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"b","value":{"bytesValue":""# + text + #""}}]}}]}"#
            return try decode(body).resourceMetrics.first?.attributes.first?.value
        }
        #expect(try bytes("+/8A") == .bytes([0xFB, 0xFF, 0x00]))
        #expect(try bytes("-_8A") == .bytes([0xFB, 0xFF, 0x00]))
        #expect(try bytes("AQI=") == .bytes([1, 2]))
        #expect(try bytes("AQI") == .bytes([1, 2]))
        #expect(try bytes("AQ==") == .bytes([1]))
        #expect(try bytes("") == .bytes([]))
        #expect(throws: OTLPDecodeError.self) { try bytes("A") }
        #expect(throws: OTLPDecodeError.self) { try bytes("AQ*=") }
        #expect(throws: OTLPDecodeError.self) { try bytes("AQI==") }
    }

    // MARK: - Lenience and errors

    @Test func unknownFieldsAreIgnoredAndNullIsAbsent() throws {
        // Keys the schema does not know are skipped at every level, whatever their value; `null` leaves a
        // field at its default (a histogram's sum stays absent).
        let body = #"""
            {"future": {"deep": [1, {"x": null}]}, "resourceMetrics": [{"resource": null, "extra": 1,
              "scopeMetrics": [{"scope": {"name": "s", "droppedAttributesCount": 3}, "metrics": [
                {"name": "h", "metadata": [{"key": "m", "value": {"stringValue": "v"}}], "newKind": {},
                 "histogram": {"dataPoints": [{"timeUnixNano": "1", "count": "2", "sum": null, "min": null,
                   "unknownNumber": 1.5, "exemplars": null}], "aggregationTemporality": null}}]}]}]}
            """#
        let metric = try onlyMetric(decode(body))
        #expect(metric.name == "h")
        #expect(metric.data == .histogram(OTLPHistogram(points: [OTLPHistogramPoint(timeUnixNano: 1, count: 2)],
                                                        temporality: .unspecified)))
        guard case .histogram(let histogram) = metric.data else { return }
        #expect(histogram.points.first?.sum == nil)
    }

    @Test func aWrongJSONTypeNamesTheKeyPath() {
        // The message leads with the path of the offending field; the offset points at its value.
        let body = #"{"resourceMetrics":[{"scopeMetrics":[{},{"metrics":[{"name":"m","sum":{"dataPoints":[{},{},{},{"asDouble":{}}]}}]}]}]}"#
        let error = decodeError(body)
        #expect(error?.code == .wrongType)
        #expect(error?.message == "resourceMetrics[0].scopeMetrics[1].metrics[0].sum.dataPoints[3].asDouble: expected a number, found an object")
        #expect(error?.offset == body.utf8.count - #"{}}]}}]}]}]}"#.utf8.count)
        #expect(decodeError(#"{"resourceMetrics":{}}"#)?.message == "resourceMetrics: expected an array, found an object")
        #expect(decodeError(#"{"resourceMetrics":["x"]}"#)?.message == "resourceMetrics[0]: expected an object, found a string")
        #expect(decodeError(request(metric: #"{"name":5}"#))?.message.hasPrefix("resourceMetrics[0].scopeMetrics[0].metrics[0].name:") == true)
        #expect(decodeError(gaugePoint(#"{"attributes":[{"key":"a","value":{"arrayValue":{"values":[{"boolValue":1}]}}}]}"#))?.message
            .hasPrefix("resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].attributes[0].value.arrayValue.values[0].boolValue:") == true)
        #expect(decodeError(gaugePoint(#"{"exemplars":[null]}"#))?.code == .wrongType)
        #expect(decodeError("[]")?.message == "the body: expected an object, found an array")
    }

    @Test func jsonSyntaxErrorsSurfaceWithTheirCodes() {
        // Bad JSON is reported by the parser's codes, and the depth limit is the decoder's.
        #expect(decodeError(#"{"resourceMetrics":["#)?.code == .truncated)
        #expect(decodeError(#"{"resourceMetrics":[],}"#)?.code == .malformed)
        #expect(decodeError(#"{"resourceMetrics":[]} {}"#)?.code == .malformed)
        #expect(decodeError("{\"resourceMetrics\":[{\"schemaUrl\":\"\u{FFFD}\"}]}") == nil)
        let nested = #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":{"arrayValue":{"values":[{"stringValue":"x"}]}}}]}}]}"#
        #expect(decodeError(nested) == nil)
        #expect(decodeError(nested, maxDepth: 8)?.code == .tooDeep)
    }

    // MARK: - Cross-check with swift-protobuf

    @Test func swiftProtobufsJSONOutputDecodesToTheSameModel() throws {
        // Whatever swift-protobuf writes for a request (camelCase or proto names, enum names or numbers)
        // decodes back to the model it was built from. swift-protobuf writes ids as base64, so they are
        // rewritten to hex first.
        let message = Self.protoRequest(Self.everyKind)
        var options = JSONEncodingOptions()
        let variants: [JSONEncodingOptions] = [
            options,
            { options.preserveProtoFieldNames = true; return options }(),
            { options.alwaysPrintEnumsAsInts = true; options.alwaysPrintInt64sAsNumbers = true; return options }(),
        ]
        for variant in variants {
            var json = try message.jsonString(options: variant)
            for id in Self.allIDs(Self.everyKind) where !id.isEmpty {
                let base64 = Data(id).base64EncodedString()
                #expect(json.contains(base64), "\(json)")
                json = json.replacingOccurrences(of: base64, with: id.map { String(format: "%02x", $0) }.joined())
            }
            #expect(try decode(json) == Self.everyKind, "\(json)")
        }
    }

    private static func allIDs(_ request: OTLPMetricsRequest) -> [[UInt8]] {
        request.resourceMetrics.flatMap(\.scopeMetrics).flatMap(\.metrics).flatMap { metric -> [[UInt8]] in
            guard case .sum(let sum) = metric.data else { return [] }
            return sum.points.flatMap(\.exemplars).flatMap { [$0.traceID, $0.spanID] }
        }
    }
}

/// Builds the swift-protobuf message for a model request (the inverse of decoding), for the cross-check.
extension OTLPMetricsJSONDecoderTests {
    typealias ProtoRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest

    static func protoRequest(_ request: OTLPMetricsRequest) -> ProtoRequest {
        var message = ProtoRequest()
        message.resourceMetrics = request.resourceMetrics.map { resource in
            var resourceMessage = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
            resourceMessage.resource.attributes = resource.attributes.map(protoAttribute)
            resourceMessage.schemaURL = resource.schemaURL
            resourceMessage.scopeMetrics = resource.scopeMetrics.map { scope in
                var scopeMessage = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
                scopeMessage.scope.name = scope.scope.name
                scopeMessage.scope.version = scope.scope.version
                scopeMessage.scope.attributes = scope.scope.attributes.map(protoAttribute)
                scopeMessage.schemaURL = scope.schemaURL
                scopeMessage.metrics = scope.metrics.map(protoMetric)
                return scopeMessage
            }
            return resourceMessage
        }
        return message
    }

    static func protoMetric(_ metric: OTLPMetric) -> Opentelemetry_Proto_Metrics_V1_Metric {
        var message = Opentelemetry_Proto_Metrics_V1_Metric()
        message.name = metric.name
        message.description_p = metric.description
        message.unit = metric.unit
        switch metric.data {
        case .none:
            break
        case .gauge(let points):
            message.gauge.dataPoints = points.map(protoNumberPoint)
        case .sum(let sum):
            message.sum.dataPoints = sum.points.map(protoNumberPoint)
            message.sum.aggregationTemporality = .init(rawValue: sum.temporality.rawValue) ?? .unspecified
            message.sum.isMonotonic = sum.isMonotonic
        case .histogram(let histogram):
            message.histogram.aggregationTemporality = .init(rawValue: histogram.temporality.rawValue) ?? .unspecified
            message.histogram.dataPoints = histogram.points.map { point in
                var pointMessage = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
                pointMessage.attributes = point.attributes.map(protoAttribute)
                pointMessage.startTimeUnixNano = point.startTimeUnixNano
                pointMessage.timeUnixNano = point.timeUnixNano
                pointMessage.count = point.count
                if let sum = point.sum { pointMessage.sum = sum }
                pointMessage.bucketCounts = point.bucketCounts
                pointMessage.explicitBounds = point.explicitBounds
                pointMessage.exemplars = point.exemplars.map(protoExemplar)
                pointMessage.flags = point.flags
                if let min = point.min { pointMessage.min = min }
                if let max = point.max { pointMessage.max = max }
                return pointMessage
            }
        case .exponentialHistogram(let histogram):
            message.exponentialHistogram.aggregationTemporality =
                .init(rawValue: histogram.temporality.rawValue) ?? .unspecified
            message.exponentialHistogram.dataPoints = histogram.points.map { point in
                var pointMessage = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint()
                pointMessage.attributes = point.attributes.map(protoAttribute)
                pointMessage.startTimeUnixNano = point.startTimeUnixNano
                pointMessage.timeUnixNano = point.timeUnixNano
                pointMessage.count = point.count
                if let sum = point.sum { pointMessage.sum = sum }
                pointMessage.scale = point.scale
                pointMessage.zeroCount = point.zeroCount
                pointMessage.positive.offset = point.positive.offset
                pointMessage.positive.bucketCounts = point.positive.bucketCounts
                pointMessage.negative.offset = point.negative.offset
                pointMessage.negative.bucketCounts = point.negative.bucketCounts
                pointMessage.flags = point.flags
                pointMessage.exemplars = point.exemplars.map(protoExemplar)
                if let min = point.min { pointMessage.min = min }
                if let max = point.max { pointMessage.max = max }
                pointMessage.zeroThreshold = point.zeroThreshold
                return pointMessage
            }
        case .summary(let points):
            message.summary.dataPoints = points.map { point in
                var pointMessage = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint()
                pointMessage.attributes = point.attributes.map(protoAttribute)
                pointMessage.startTimeUnixNano = point.startTimeUnixNano
                pointMessage.timeUnixNano = point.timeUnixNano
                pointMessage.count = point.count
                pointMessage.sum = point.sum
                pointMessage.quantileValues = point.quantileValues.map { quantile in
                    var quantileMessage = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint.ValueAtQuantile()
                    quantileMessage.quantile = quantile.quantile
                    quantileMessage.value = quantile.value
                    return quantileMessage
                }
                pointMessage.flags = point.flags
                return pointMessage
            }
        }
        return message
    }

    static func protoNumberPoint(_ point: OTLPNumberPoint) -> Opentelemetry_Proto_Metrics_V1_NumberDataPoint {
        var message = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
        message.attributes = point.attributes.map(protoAttribute)
        message.startTimeUnixNano = point.startTimeUnixNano
        message.timeUnixNano = point.timeUnixNano
        switch point.value {
        case .none: break
        case .double(let value): message.asDouble = value
        case .int(let value): message.asInt = value
        }
        message.exemplars = point.exemplars.map(protoExemplar)
        message.flags = point.flags
        return message
    }

    static func protoExemplar(_ exemplar: OTLPExemplar) -> Opentelemetry_Proto_Metrics_V1_Exemplar {
        var message = Opentelemetry_Proto_Metrics_V1_Exemplar()
        message.filteredAttributes = exemplar.filteredAttributes.map(protoAttribute)
        message.timeUnixNano = exemplar.timeUnixNano
        switch exemplar.value {
        case .none: break
        case .double(let value): message.asDouble = value
        case .int(let value): message.asInt = value
        }
        message.spanID = Data(exemplar.spanID)
        message.traceID = Data(exemplar.traceID)
        return message
    }

    static func protoAttribute(_ attribute: OTLPAttribute) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var message = Opentelemetry_Proto_Common_V1_KeyValue()
        message.key = attribute.key
        message.value = protoAnyValue(attribute.value)
        return message
    }

    static func protoAnyValue(_ value: OTLPAnyValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var message = Opentelemetry_Proto_Common_V1_AnyValue()
        switch value {
        case .empty: break
        case .string(let string): message.stringValue = string
        case .bool(let bool): message.boolValue = bool
        case .int(let int): message.intValue = int
        case .double(let double): message.doubleValue = double
        case .bytes(let bytes): message.bytesValue = Data(bytes)
        case .array(let values): message.arrayValue.values = values.map(protoAnyValue)
        case .keyValueList(let attributes): message.kvlistValue.values = attributes.map(protoAttribute)
        }
        return message
    }
}
