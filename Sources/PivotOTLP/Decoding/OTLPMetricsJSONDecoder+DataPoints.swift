// Readers for the data points of opentelemetry/proto/metrics/v1/metrics.proto in OTLP/JSON.
extension OTLPMetricsJSONDecoder {
    // message NumberDataPoint {
    //   repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
    //   oneof value { double as_double = 4; sfixed64 as_int = 6; }
    //   repeated Exemplar exemplars = 5; uint32 flags = 8;
    // }
    static func numberPoint(_ json: JSONValue) throws(JSONFieldError) -> OTLPNumberPoint {
        var point = OTLPNumberPoint(timeUnixNano: 0, value: .none)
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "attributes": point.attributes = try value.list("attributes", OTLPJSONCommon.attribute)
            case "startTimeUnixNano", "start_time_unix_nano":
                point.startTimeUnixNano = try value.field("startTimeUnixNano", JSONRead.uint64)
            case "timeUnixNano", "time_unix_nano": point.timeUnixNano = try value.field("timeUnixNano", JSONRead.uint64)
            case "asDouble", "as_double": point.value = .double(try value.field("asDouble", JSONRead.double))
            case "asInt", "as_int": point.value = .int(try value.field("asInt", JSONRead.int64))
            case "exemplars": point.exemplars = try value.list("exemplars", exemplar)
            case "flags": point.flags = try value.field("flags", JSONRead.uint32)
            default: break
            }
        }
        return point
    }

    // message HistogramDataPoint {
    //   repeated KeyValue attributes = 9; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
    //   fixed64 count = 4; optional double sum = 5; repeated fixed64 bucket_counts = 6;
    //   repeated double explicit_bounds = 7; repeated Exemplar exemplars = 8; uint32 flags = 10;
    //   optional double min = 11; optional double max = 12;
    // }
    static func histogramPoint(_ json: JSONValue) throws(JSONFieldError) -> OTLPHistogramPoint {
        var point = OTLPHistogramPoint(timeUnixNano: 0, count: 0)
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "attributes": point.attributes = try value.list("attributes", OTLPJSONCommon.attribute)
            case "startTimeUnixNano", "start_time_unix_nano":
                point.startTimeUnixNano = try value.field("startTimeUnixNano", JSONRead.uint64)
            case "timeUnixNano", "time_unix_nano": point.timeUnixNano = try value.field("timeUnixNano", JSONRead.uint64)
            case "count": point.count = try value.field("count", JSONRead.uint64)
            case "sum": point.sum = try value.field("sum", JSONRead.double)
            case "bucketCounts", "bucket_counts": point.bucketCounts = try value.list("bucketCounts", JSONRead.uint64)
            case "explicitBounds", "explicit_bounds":
                point.explicitBounds = try value.list("explicitBounds", JSONRead.double)
            case "exemplars": point.exemplars = try value.list("exemplars", exemplar)
            case "flags": point.flags = try value.field("flags", JSONRead.uint32)
            case "min": point.min = try value.field("min", JSONRead.double)
            case "max": point.max = try value.field("max", JSONRead.double)
            default: break
            }
        }
        return point
    }

    // message ExponentialHistogramDataPoint {
    //   repeated KeyValue attributes = 1; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
    //   fixed64 count = 4; optional double sum = 5; sint32 scale = 6; fixed64 zero_count = 7;
    //   Buckets positive = 8; Buckets negative = 9; uint32 flags = 10; repeated Exemplar exemplars = 11;
    //   optional double min = 12; optional double max = 13; double zero_threshold = 14;
    // }
    static func exponentialHistogramPoint(_ json: JSONValue) throws(JSONFieldError) -> OTLPExponentialHistogramPoint {
        var point = OTLPExponentialHistogramPoint(timeUnixNano: 0, count: 0, scale: 0)
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "attributes": point.attributes = try value.list("attributes", OTLPJSONCommon.attribute)
            case "startTimeUnixNano", "start_time_unix_nano":
                point.startTimeUnixNano = try value.field("startTimeUnixNano", JSONRead.uint64)
            case "timeUnixNano", "time_unix_nano": point.timeUnixNano = try value.field("timeUnixNano", JSONRead.uint64)
            case "count": point.count = try value.field("count", JSONRead.uint64)
            case "sum": point.sum = try value.field("sum", JSONRead.double)
            case "scale": point.scale = try value.field("scale", JSONRead.int32)
            case "zeroCount", "zero_count": point.zeroCount = try value.field("zeroCount", JSONRead.uint64)
            case "positive": point.positive = try value.field("positive", buckets)
            case "negative": point.negative = try value.field("negative", buckets)
            case "flags": point.flags = try value.field("flags", JSONRead.uint32)
            case "exemplars": point.exemplars = try value.list("exemplars", exemplar)
            case "min": point.min = try value.field("min", JSONRead.double)
            case "max": point.max = try value.field("max", JSONRead.double)
            case "zeroThreshold", "zero_threshold":
                point.zeroThreshold = try value.field("zeroThreshold", JSONRead.double)
            default: break
            }
        }
        return point
    }

    // message Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; }
    static func buckets(_ json: JSONValue) throws(JSONFieldError) -> OTLPExponentialBuckets {
        var buckets = OTLPExponentialBuckets()
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "offset": buckets.offset = try member.value.field("offset", JSONRead.int32)
            case "bucketCounts", "bucket_counts":
                buckets.bucketCounts = try member.value.list("bucketCounts", JSONRead.uint64)
            default: break
            }
        }
        return buckets
    }

    // message SummaryDataPoint {
    //   repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
    //   fixed64 count = 4; double sum = 5; repeated ValueAtQuantile quantile_values = 6; uint32 flags = 8;
    // }
    static func summaryPoint(_ json: JSONValue) throws(JSONFieldError) -> OTLPSummaryPoint {
        var point = OTLPSummaryPoint(timeUnixNano: 0, count: 0, sum: 0)
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "attributes": point.attributes = try value.list("attributes", OTLPJSONCommon.attribute)
            case "startTimeUnixNano", "start_time_unix_nano":
                point.startTimeUnixNano = try value.field("startTimeUnixNano", JSONRead.uint64)
            case "timeUnixNano", "time_unix_nano": point.timeUnixNano = try value.field("timeUnixNano", JSONRead.uint64)
            case "count": point.count = try value.field("count", JSONRead.uint64)
            case "sum": point.sum = try value.field("sum", JSONRead.double)
            case "quantileValues", "quantile_values": point.quantileValues = try value.list("quantileValues", quantile)
            case "flags": point.flags = try value.field("flags", JSONRead.uint32)
            default: break
            }
        }
        return point
    }

    // message ValueAtQuantile { double quantile = 1; double value = 2; }
    static func quantile(_ json: JSONValue) throws(JSONFieldError) -> OTLPQuantileValue {
        var quantile = OTLPQuantileValue(quantile: 0, value: 0)
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "quantile": quantile.quantile = try member.value.field("quantile", JSONRead.double)
            case "value": quantile.value = try member.value.field("value", JSONRead.double)
            default: break
            }
        }
        return quantile
    }

    // message Exemplar {
    //   repeated KeyValue filtered_attributes = 7; fixed64 time_unix_nano = 2;
    //   oneof value { double as_double = 3; sfixed64 as_int = 6; }
    //   bytes span_id = 4; bytes trace_id = 5;   (hex strings in OTLP/JSON)
    // }
    static func exemplar(_ json: JSONValue) throws(JSONFieldError) -> OTLPExemplar {
        var exemplar = OTLPExemplar(timeUnixNano: 0, value: .none)
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "filteredAttributes", "filtered_attributes":
                exemplar.filteredAttributes = try value.list("filteredAttributes", OTLPJSONCommon.attribute)
            case "timeUnixNano", "time_unix_nano":
                exemplar.timeUnixNano = try value.field("timeUnixNano", JSONRead.uint64)
            case "asDouble", "as_double": exemplar.value = .double(try value.field("asDouble", JSONRead.double))
            case "asInt", "as_int": exemplar.value = .int(try value.field("asInt", JSONRead.int64))
            case "spanId", "span_id":
                exemplar.spanID = try value.field("spanId") { (value) throws(JSONFieldError) in
                    try value.hexID(byteCount: 8, kind: "span id")
                }
            case "traceId", "trace_id":
                exemplar.traceID = try value.field("traceId") { (value) throws(JSONFieldError) in
                    try value.hexID(byteCount: 16, kind: "trace id")
                }
            default: break
            }
        }
        return exemplar
    }
}
