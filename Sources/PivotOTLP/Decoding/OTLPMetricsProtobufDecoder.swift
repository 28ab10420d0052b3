/// Decodes a serialized `ExportMetricsServiceRequest` (OTLP/HTTP `application/x-protobuf`, or a gRPC
/// message) into `OTLPMetricsRequest`, reading the bytes in place.
///
/// Every declared length is checked against its enclosing message before it is used; a known field
/// with the wrong wire type is an error (`.wrongType`), unknown fields are skipped by wire type, and
/// repeated scalars are read packed or unpacked. Strings must be valid UTF-8, trace ids 16 bytes and
/// span ids 8 (or empty). For a `oneof`, the last member on the wire wins, as in protobuf.
public struct OTLPMetricsProtobufDecoder: Sendable {
    /// How deeply `AnyValue` arrays and key-value lists may nest. Default 32.
    public var maxAnyValueDepth: Int

    public init(maxAnyValueDepth: Int = 32) {
        self.maxAnyValueDepth = maxAnyValueDepth
    }

    public func decode(_ bytes: [UInt8]) throws(OTLPDecodeError) -> OTLPMetricsRequest {
        try ProtoWireCursor.reading(bytes) { raw throws(OTLPDecodeError) in try decode(raw) }
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodeError) -> OTLPMetricsRequest {
        var request = OTLPMetricsRequest()
        let fields = AttributeDecoder(maxDepth: maxAnyValueDepth)
        try ProtoWireCursor.eachResource(in: bytes, field: "resource_metrics") { child throws(OTLPDecodeError) in
            request.resourceMetrics.append(try resourceMetrics(&child, fields))
        }
        return request
    }

    private typealias Cursor = ProtoWireCursor

    private func resourceMetrics(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPResourceMetrics {
        var result = OTLPResourceMetrics()
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "resource")
                var resource = try c.message()
                while !resource.isAtEnd {
                    let (inner, innerWire) = try resource.tag()
                    if inner == 1 {
                        try resource.require(innerWire, .lengthDelimited, field: "resource.attributes")
                        var kv = try resource.message()
                        result.attributes.append(try fields.keyValue(&kv, depth: 0))
                    } else {
                        try resource.skip(innerWire)
                    }
                }
            case 2:
                try c.require(wire, .lengthDelimited, field: "scope_metrics")
                var child = try c.message()
                result.scopeMetrics.append(try scopeMetrics(&child, fields))
            case 3:
                try c.require(wire, .lengthDelimited, field: "schema_url")
                result.schemaURL = try c.string(field: "schema_url")
            default:
                try c.skip(wire)
            }
        }
        return result
    }

    private func scopeMetrics(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPScopeMetrics {
        var result = OTLPScopeMetrics()
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "scope")
                var scope = try c.message()
                while !scope.isAtEnd {
                    let (inner, innerWire) = try scope.tag()
                    switch inner {
                    case 1:
                        try scope.require(innerWire, .lengthDelimited, field: "scope.name")
                        result.scope.name = try scope.string(field: "scope.name")
                    case 2:
                        try scope.require(innerWire, .lengthDelimited, field: "scope.version")
                        result.scope.version = try scope.string(field: "scope.version")
                    case 3:
                        try scope.require(innerWire, .lengthDelimited, field: "scope.attributes")
                        var kv = try scope.message()
                        result.scope.attributes.append(try fields.keyValue(&kv, depth: 0))
                    default:
                        try scope.skip(innerWire)
                    }
                }
            case 2:
                try c.require(wire, .lengthDelimited, field: "metrics")
                var child = try c.message()
                result.metrics.append(try metric(&child, fields))
            case 3:
                try c.require(wire, .lengthDelimited, field: "schema_url")
                result.schemaURL = try c.string(field: "schema_url")
            default:
                try c.skip(wire)
            }
        }
        return result
    }

    private func metric(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPMetric {
        var result = OTLPMetric(name: "", data: .none)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "name")
                result.name = try c.string(field: "name")
            case 2:
                try c.require(wire, .lengthDelimited, field: "description")
                result.description = try c.string(field: "description")
            case 3:
                try c.require(wire, .lengthDelimited, field: "unit")
                result.unit = try c.string(field: "unit")
            case 5:
                try c.require(wire, .lengthDelimited, field: "gauge")
                var child = try c.message()
                var points: [OTLPNumberPoint] = []
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    if inner == 1 {
                        try child.require(innerWire, .lengthDelimited, field: "gauge.data_points")
                        var point = try child.message()
                        points.append(try numberPoint(&point, fields))
                    } else {
                        try child.skip(innerWire)
                    }
                }
                result.data = .gauge(points)
            case 7:
                try c.require(wire, .lengthDelimited, field: "sum")
                var child = try c.message()
                var sum = OTLPSum(points: [], temporality: .unspecified, isMonotonic: false)
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    switch inner {
                    case 1:
                        try child.require(innerWire, .lengthDelimited, field: "sum.data_points")
                        var point = try child.message()
                        sum.points.append(try numberPoint(&point, fields))
                    case 2:
                        try child.require(innerWire, .varint, field: "sum.aggregation_temporality")
                        sum.temporality = OTLPTemporality(wireValue: try child.varint())
                    case 3:
                        try child.require(innerWire, .varint, field: "sum.is_monotonic")
                        sum.isMonotonic = try child.varint() != 0
                    default:
                        try child.skip(innerWire)
                    }
                }
                result.data = .sum(sum)
            case 9:
                try c.require(wire, .lengthDelimited, field: "histogram")
                var child = try c.message()
                var histogram = OTLPHistogram(points: [], temporality: .unspecified)
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    switch inner {
                    case 1:
                        try child.require(innerWire, .lengthDelimited, field: "histogram.data_points")
                        var point = try child.message()
                        histogram.points.append(try histogramPoint(&point, fields))
                    case 2:
                        try child.require(innerWire, .varint, field: "histogram.aggregation_temporality")
                        histogram.temporality = OTLPTemporality(wireValue: try child.varint())
                    default:
                        try child.skip(innerWire)
                    }
                }
                result.data = .histogram(histogram)
            case 10:
                try c.require(wire, .lengthDelimited, field: "exponential_histogram")
                var child = try c.message()
                var histogram = OTLPExponentialHistogram(points: [], temporality: .unspecified)
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    switch inner {
                    case 1:
                        try child.require(innerWire, .lengthDelimited, field: "exponential_histogram.data_points")
                        var point = try child.message()
                        histogram.points.append(try exponentialPoint(&point, fields))
                    case 2:
                        try child.require(innerWire, .varint, field: "exponential_histogram.aggregation_temporality")
                        histogram.temporality = OTLPTemporality(wireValue: try child.varint())
                    default:
                        try child.skip(innerWire)
                    }
                }
                result.data = .exponentialHistogram(histogram)
            case 11:
                try c.require(wire, .lengthDelimited, field: "summary")
                var child = try c.message()
                var points: [OTLPSummaryPoint] = []
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    if inner == 1 {
                        try child.require(innerWire, .lengthDelimited, field: "summary.data_points")
                        var point = try child.message()
                        points.append(try summaryPoint(&point, fields))
                    } else {
                        try child.skip(innerWire)
                    }
                }
                result.data = .summary(points)
            default:
                try c.skip(wire)
            }
        }
        return result
    }

    // MARK: Data points

    private func numberPoint(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPNumberPoint {
        var point = OTLPNumberPoint(timeUnixNano: 0, value: .none)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 7:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var kv = try c.message()
                if point.attributes.isEmpty { point.attributes.reserveCapacity(4) }
                point.attributes.append(try fields.keyValue(&kv, depth: 0))
            case 2:
                try c.require(wire, .fixed64, field: "start_time_unix_nano")
                point.startTimeUnixNano = try c.fixed64()
            case 3:
                try c.require(wire, .fixed64, field: "time_unix_nano")
                point.timeUnixNano = try c.fixed64()
            case 4:
                try c.require(wire, .fixed64, field: "as_double")
                point.value = .double(Double(bitPattern: try c.fixed64()))
            case 6:
                try c.require(wire, .fixed64, field: "as_int")
                point.value = .int(Int64(bitPattern: try c.fixed64()))
            case 5:
                try c.require(wire, .lengthDelimited, field: "exemplars")
                var child = try c.message()
                point.exemplars.append(try exemplar(&child, fields))
            case 8:
                try c.require(wire, .varint, field: "flags")
                point.flags = UInt32(truncatingIfNeeded: try c.varint())
            default:
                try c.skip(wire)
            }
        }
        return point
    }

    private func histogramPoint(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPHistogramPoint {
        var point = OTLPHistogramPoint(timeUnixNano: 0, count: 0)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 9:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var kv = try c.message()
                if point.attributes.isEmpty { point.attributes.reserveCapacity(4) }
                point.attributes.append(try fields.keyValue(&kv, depth: 0))
            case 2:
                try c.require(wire, .fixed64, field: "start_time_unix_nano")
                point.startTimeUnixNano = try c.fixed64()
            case 3:
                try c.require(wire, .fixed64, field: "time_unix_nano")
                point.timeUnixNano = try c.fixed64()
            case 4:
                try c.require(wire, .fixed64, field: "count")
                point.count = try c.fixed64()
            case 5:
                try c.require(wire, .fixed64, field: "sum")
                point.sum = Double(bitPattern: try c.fixed64())
            case 6:
                try Self.fixed64s(&c, wire, into: &point.bucketCounts, field: "bucket_counts", as: { $0 })
            case 7:
                try Self.fixed64s(&c, wire, into: &point.explicitBounds, field: "explicit_bounds", as: Double.init(bitPattern:))
            case 8:
                try c.require(wire, .lengthDelimited, field: "exemplars")
                var child = try c.message()
                point.exemplars.append(try exemplar(&child, fields))
            case 10:
                try c.require(wire, .varint, field: "flags")
                point.flags = UInt32(truncatingIfNeeded: try c.varint())
            case 11:
                try c.require(wire, .fixed64, field: "min")
                point.min = Double(bitPattern: try c.fixed64())
            case 12:
                try c.require(wire, .fixed64, field: "max")
                point.max = Double(bitPattern: try c.fixed64())
            default:
                try c.skip(wire)
            }
        }
        return point
    }

    private func exponentialPoint(
        _ c: inout Cursor, _ fields: AttributeDecoder
    ) throws(OTLPDecodeError) -> OTLPExponentialHistogramPoint {
        var point = OTLPExponentialHistogramPoint(timeUnixNano: 0, count: 0, scale: 0)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var kv = try c.message()
                if point.attributes.isEmpty { point.attributes.reserveCapacity(4) }
                point.attributes.append(try fields.keyValue(&kv, depth: 0))
            case 2:
                try c.require(wire, .fixed64, field: "start_time_unix_nano")
                point.startTimeUnixNano = try c.fixed64()
            case 3:
                try c.require(wire, .fixed64, field: "time_unix_nano")
                point.timeUnixNano = try c.fixed64()
            case 4:
                try c.require(wire, .fixed64, field: "count")
                point.count = try c.fixed64()
            case 5:
                try c.require(wire, .fixed64, field: "sum")
                point.sum = Double(bitPattern: try c.fixed64())
            case 6:
                try c.require(wire, .varint, field: "scale")
                point.scale = Self.zigzag32(try c.varint())
            case 7:
                try c.require(wire, .fixed64, field: "zero_count")
                point.zeroCount = try c.fixed64()
            case 8:
                try c.require(wire, .lengthDelimited, field: "positive")
                var child = try c.message()
                point.positive = try buckets(&child)
            case 9:
                try c.require(wire, .lengthDelimited, field: "negative")
                var child = try c.message()
                point.negative = try buckets(&child)
            case 10:
                try c.require(wire, .varint, field: "flags")
                point.flags = UInt32(truncatingIfNeeded: try c.varint())
            case 11:
                try c.require(wire, .lengthDelimited, field: "exemplars")
                var child = try c.message()
                point.exemplars.append(try exemplar(&child, fields))
            case 12:
                try c.require(wire, .fixed64, field: "min")
                point.min = Double(bitPattern: try c.fixed64())
            case 13:
                try c.require(wire, .fixed64, field: "max")
                point.max = Double(bitPattern: try c.fixed64())
            case 14:
                try c.require(wire, .fixed64, field: "zero_threshold")
                point.zeroThreshold = Double(bitPattern: try c.fixed64())
            default:
                try c.skip(wire)
            }
        }
        return point
    }

    private func buckets(_ c: inout Cursor) throws(OTLPDecodeError) -> OTLPExponentialBuckets {
        var result = OTLPExponentialBuckets()
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .varint, field: "buckets.offset")
                result.offset = Self.zigzag32(try c.varint())
            case 2:
                if wire == .lengthDelimited {
                    var packed = try c.message()
                    while !packed.isAtEnd { result.bucketCounts.append(try packed.varint()) }
                } else {
                    try c.require(wire, .varint, field: "buckets.bucket_counts")
                    result.bucketCounts.append(try c.varint())
                }
            default:
                try c.skip(wire)
            }
        }
        return result
    }

    private func summaryPoint(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPSummaryPoint {
        var point = OTLPSummaryPoint(timeUnixNano: 0, count: 0, sum: 0)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 7:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var kv = try c.message()
                if point.attributes.isEmpty { point.attributes.reserveCapacity(4) }
                point.attributes.append(try fields.keyValue(&kv, depth: 0))
            case 2:
                try c.require(wire, .fixed64, field: "start_time_unix_nano")
                point.startTimeUnixNano = try c.fixed64()
            case 3:
                try c.require(wire, .fixed64, field: "time_unix_nano")
                point.timeUnixNano = try c.fixed64()
            case 4:
                try c.require(wire, .fixed64, field: "count")
                point.count = try c.fixed64()
            case 5:
                try c.require(wire, .fixed64, field: "sum")
                point.sum = Double(bitPattern: try c.fixed64())
            case 6:
                try c.require(wire, .lengthDelimited, field: "quantile_values")
                var child = try c.message()
                var quantile = OTLPQuantileValue(quantile: 0, value: 0)
                while !child.isAtEnd {
                    let (inner, innerWire) = try child.tag()
                    switch inner {
                    case 1:
                        try child.require(innerWire, .fixed64, field: "quantile")
                        quantile.quantile = Double(bitPattern: try child.fixed64())
                    case 2:
                        try child.require(innerWire, .fixed64, field: "value")
                        quantile.value = Double(bitPattern: try child.fixed64())
                    default:
                        try child.skip(innerWire)
                    }
                }
                point.quantileValues.append(quantile)
            case 8:
                try c.require(wire, .varint, field: "flags")
                point.flags = UInt32(truncatingIfNeeded: try c.varint())
            default:
                try c.skip(wire)
            }
        }
        return point
    }

    private func exemplar(_ c: inout Cursor, _ fields: AttributeDecoder) throws(OTLPDecodeError) -> OTLPExemplar {
        var result = OTLPExemplar(timeUnixNano: 0, value: .none)
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 7:
                try c.require(wire, .lengthDelimited, field: "filtered_attributes")
                var kv = try c.message()
                result.filteredAttributes.append(try fields.keyValue(&kv, depth: 0))
            case 2:
                try c.require(wire, .fixed64, field: "exemplar.time_unix_nano")
                result.timeUnixNano = try c.fixed64()
            case 3:
                try c.require(wire, .fixed64, field: "exemplar.as_double")
                result.value = .double(Double(bitPattern: try c.fixed64()))
            case 6:
                try c.require(wire, .fixed64, field: "exemplar.as_int")
                result.value = .int(Int64(bitPattern: try c.fixed64()))
            case 4:
                try c.require(wire, .lengthDelimited, field: "exemplar.span_id")
                let start = c.position
                let id = try c.bytes()
                guard id.count == 8 || id.isEmpty else {
                    throw OTLPDecodeError(.invalidID, "exemplar span_id has \(id.count) bytes, expected 8", offset: start)
                }
                result.spanID = Array(id)
            case 5:
                try c.require(wire, .lengthDelimited, field: "exemplar.trace_id")
                let start = c.position
                let id = try c.bytes()
                guard id.count == 16 || id.isEmpty else {
                    throw OTLPDecodeError(.invalidID, "exemplar trace_id has \(id.count) bytes, expected 16", offset: start)
                }
                result.traceID = Array(id)
            default:
                try c.skip(wire)
            }
        }
        return result
    }

    // MARK: Scalars

    @inline(__always)
    private static func zigzag32(_ raw: UInt64) -> Int32 {
        let value = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    /// A repeated fixed64 (or double: `convert` reads the bits) field, packed (one length-delimited run)
    /// or not (one value per tag).
    private static func fixed64s<Value>(
        _ c: inout Cursor, _ wire: Cursor.WireType, into values: inout [Value], field: StaticString,
        as convert: (UInt64) -> Value
    ) throws(OTLPDecodeError) {
        if wire == .lengthDelimited {
            var packed = try c.message()
            values.reserveCapacity(values.count + packed.remainingCount / 8)
            while !packed.isAtEnd { values.append(convert(try packed.fixed64())) }
        } else {
            try c.require(wire, .fixed64, field: field)
            values.append(convert(try c.fixed64()))
        }
    }
}
