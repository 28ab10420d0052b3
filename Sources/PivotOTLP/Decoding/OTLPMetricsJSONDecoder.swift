/// Decodes an OTLP/JSON `ExportMetricsServiceRequest` body (`Content-Type: application/json`) into the
/// same `OTLPMetricsRequest` that `OTLPMetricsProtobufDecoder` produces.
///
/// The proto3 JSON mapping with OTLP's deviations (OTLP specification, "JSON Protobuf Encoding"):
/// - keys are lowerCamelCase (`resourceMetrics`, `timeUnixNano`); the proto field names
///   (`resource_metrics`, `time_unix_nano`) are accepted too, as protobuf's JSON parsers do;
///   unknown keys are ignored, and a `null` value is the same as an absent field;
/// - 64-bit integers may be numbers or decimal strings (strings are exact over the full range);
///   doubles may be numbers, numeric strings or `"NaN"`, `"Infinity"`, `"-Infinity"`;
/// - enums are integers; enum names (`"AGGREGATION_TEMPORALITY_CUMULATIVE"`) are accepted leniently and
///   unknown names or numbers read as `.unspecified`;
/// - `traceId` / `spanId` are hex strings of 32 / 16 digits in either case (empty = absent); anything
///   else throws `.invalidID`. Other `bytes` fields (`bytesValue`) are base64, standard or URL-safe.
///
/// Errors: JSON syntax as `JSONParser` reports it; a known field with the wrong JSON type (or a number
/// out of its field's range, or bad base64) throws `.wrongType` whose message starts with the key path,
/// e.g. `resourceMetrics[0].scopeMetrics[1].metrics[0].sum.dataPoints[3].asDouble`. When a key appears
/// twice in one object the last one wins.
public struct OTLPMetricsJSONDecoder: Sendable {
    /// The deepest nesting of JSON arrays and objects accepted (`JSONParser.maxDepth`). Default 64,
    /// which leaves room for about 17 levels of nested `AnyValue` arrays or key-value lists in an attribute.
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    public func decode(_ body: [UInt8]) throws(OTLPDecodeError) -> OTLPMetricsRequest {
        try decode(JSONParser(maxDepth: maxDepth).parse(body))
    }

    public func decode(_ body: UnsafeRawBufferPointer) throws(OTLPDecodeError) -> OTLPMetricsRequest {
        try decode(JSONParser(maxDepth: maxDepth).parse(body))
    }

    /// Decodes an already parsed request.
    public func decode(_ json: JSONValue) throws(OTLPDecodeError) -> OTLPMetricsRequest {
        do throws(JSONFieldError) {
            return try Self.request(json)
        } catch {
            throw error.decodeError
        }
    }
}

// The readers below follow the messages of opentelemetry/proto/metrics/v1/metrics.proto, whose fields
// they quote above each switch.
extension OTLPMetricsJSONDecoder {
    // message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
    static func request(_ json: JSONValue) throws(JSONFieldError) -> OTLPMetricsRequest {
        var request = OTLPMetricsRequest()
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "resourceMetrics", "resource_metrics":
                request.resourceMetrics = try member.value.list("resourceMetrics", resourceMetrics)
            default: break
            }
        }
        return request
    }

    // message ResourceMetrics {
    //   Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3;
    // }
    // message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; ... }
    static func resourceMetrics(_ json: JSONValue) throws(JSONFieldError) -> OTLPResourceMetrics {
        var resource = OTLPResourceMetrics()
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "resource":
                try member.value.field("resource") { (value) throws(JSONFieldError) in
                    for member in try value.members() where !member.value.isNull && member.key == "attributes" {
                        resource.attributes = try member.value.list("attributes", OTLPJSONCommon.attribute)
                    }
                }
            case "scopeMetrics", "scope_metrics":
                resource.scopeMetrics = try member.value.list("scopeMetrics", scopeMetrics)
            case "schemaUrl", "schema_url":
                resource.schemaURL = try member.value.field("schemaUrl", JSONRead.string)
            default: break
            }
        }
        return resource
    }

    // message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
    static func scopeMetrics(_ json: JSONValue) throws(JSONFieldError) -> OTLPScopeMetrics {
        var scope = OTLPScopeMetrics()
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "scope": scope.scope = try member.value.field("scope", Self.scope)
            case "metrics": scope.metrics = try member.value.list("metrics", metric)
            case "schemaUrl", "schema_url":
                scope.schemaURL = try member.value.field("schemaUrl", JSONRead.string)
            default: break
            }
        }
        return scope
    }

    // message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; ... }
    static func scope(_ json: JSONValue) throws(JSONFieldError) -> OTLPScope {
        var scope = OTLPScope()
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "name": scope.name = try member.value.field("name", JSONRead.string)
            case "version":
                scope.version = try member.value.field("version", JSONRead.string)
            case "attributes": scope.attributes = try member.value.list("attributes", OTLPJSONCommon.attribute)
            default: break
            }
        }
        return scope
    }

    // message Metric {
    //   string name = 1; string description = 2; string unit = 3;
    //   oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9;
    //                ExponentialHistogram exponential_histogram = 10; Summary summary = 11; }
    //   repeated KeyValue metadata = 12;
    // }
    static func metric(_ json: JSONValue) throws(JSONFieldError) -> OTLPMetric {
        var metric = OTLPMetric(name: "", data: .none)
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "name": metric.name = try value.field("name", JSONRead.string)
            case "description":
                metric.description = try value.field("description", JSONRead.string)
            case "unit": metric.unit = try value.field("unit", JSONRead.string)
            case "gauge": metric.data = .gauge(try value.field("gauge", gauge))
            case "sum": metric.data = .sum(try value.field("sum", sum))
            case "histogram": metric.data = .histogram(try value.field("histogram", histogram))
            case "exponentialHistogram", "exponential_histogram":
                metric.data = .exponentialHistogram(try value.field("exponentialHistogram", exponentialHistogram))
            case "summary": metric.data = .summary(try value.field("summary", summary))
            default: break
            }
        }
        return metric
    }

    // message Gauge { repeated NumberDataPoint data_points = 1; }
    static func gauge(_ json: JSONValue) throws(JSONFieldError) -> [OTLPNumberPoint] {
        var points: [OTLPNumberPoint] = []
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "dataPoints", "data_points": points = try member.value.list("dataPoints", numberPoint)
            default: break
            }
        }
        return points
    }

    // message Sum { repeated NumberDataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2;
    //               bool is_monotonic = 3; }
    static func sum(_ json: JSONValue) throws(JSONFieldError) -> OTLPSum {
        var sum = OTLPSum(points: [], temporality: .unspecified, isMonotonic: false)
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "dataPoints", "data_points": sum.points = try member.value.list("dataPoints", numberPoint)
            case "aggregationTemporality", "aggregation_temporality":
                sum.temporality = try member.value.field("aggregationTemporality", temporality)
            case "isMonotonic", "is_monotonic":
                sum.isMonotonic = try member.value.field("isMonotonic", JSONRead.bool)
            default: break
            }
        }
        return sum
    }

    // message Histogram {
    //   repeated HistogramDataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2;
    // }
    static func histogram(_ json: JSONValue) throws(JSONFieldError) -> OTLPHistogram {
        var histogram = OTLPHistogram(points: [], temporality: .unspecified)
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "dataPoints", "data_points": histogram.points = try member.value.list("dataPoints", histogramPoint)
            case "aggregationTemporality", "aggregation_temporality":
                histogram.temporality = try member.value.field("aggregationTemporality", temporality)
            default: break
            }
        }
        return histogram
    }

    // message ExponentialHistogram { repeated ExponentialHistogramDataPoint data_points = 1;
    //                                AggregationTemporality aggregation_temporality = 2; }
    static func exponentialHistogram(_ json: JSONValue) throws(JSONFieldError) -> OTLPExponentialHistogram {
        var histogram = OTLPExponentialHistogram(points: [], temporality: .unspecified)
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "dataPoints", "data_points":
                histogram.points = try member.value.list("dataPoints", exponentialHistogramPoint)
            case "aggregationTemporality", "aggregation_temporality":
                histogram.temporality = try member.value.field("aggregationTemporality", temporality)
            default: break
            }
        }
        return histogram
    }

    // message Summary { repeated SummaryDataPoint data_points = 1; }
    static func summary(_ json: JSONValue) throws(JSONFieldError) -> [OTLPSummaryPoint] {
        var points: [OTLPSummaryPoint] = []
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "dataPoints", "data_points": points = try member.value.list("dataPoints", summaryPoint)
            default: break
            }
        }
        return points
    }

    // enum AggregationTemporality { AGGREGATION_TEMPORALITY_UNSPECIFIED = 0; _DELTA = 1; _CUMULATIVE = 2; }
    // OTLP/JSON sends the number; names are accepted too.
    static func temporality(_ json: JSONValue) throws(JSONFieldError) -> OTLPTemporality {
        if case .string(let name) = json.kind {
            switch name {
            case "AGGREGATION_TEMPORALITY_DELTA": return .delta
            case "AGGREGATION_TEMPORALITY_CUMULATIVE": return .cumulative
            case "AGGREGATION_TEMPORALITY_UNSPECIFIED": return .unspecified
            default: if JSONNumber(parsing: name) == nil { return .unspecified }
            }
        }
        return OTLPTemporality(wireValue: UInt64(bitPattern: try json.int64()))
    }
}
