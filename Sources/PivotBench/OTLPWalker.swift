import PivotOTLP

/// A zero-copy walk over a serialized OTLP `ExportMetricsServiceRequest` that visits every field and
/// tallies what it saw: the prototype of Pivot's hand-written OTLP metrics decoder.
///
/// It reads the bytes in place (strings and ids are only measured, not copied or UTF-8 checked), checks
/// every length against its enclosing message, rejects known fields with a wrong wire type, skips unknown
/// fields by wire type, and accepts packed and unpacked repeated scalars. Unlike a full decoder it counts
/// every member of a `oneof` that appears rather than keeping the last one.
struct OTLPWalker {
    /// How deeply `AnyValue` arrays and key-value lists may nest. Default 32.
    var maxAnyValueDepth = 32

    func walk(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodeError) -> OTLPTally {
        var walk = Walk(maxDepth: maxAnyValueDepth)
        var cursor = ProtoWireCursor(bytes)
        try walk.request(&cursor)
        return walk.tally
    }
}

private typealias Cursor = ProtoWireCursor

private struct Walk {
    let maxDepth: Int
    var tally = OTLPTally()

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    // ExportMetricsServiceRequest { 1: repeated ResourceMetrics resource_metrics }
    mutating func request(_ c: inout Cursor) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "resource_metrics")
                var child = try c.message()
                try resourceMetrics(&child)
            default: try c.skip(wire)
            }
        }
    }

    // ResourceMetrics { 1: Resource resource; 2: repeated ScopeMetrics scope_metrics; 3: string schema_url }
    mutating func resourceMetrics(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.resources += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "resource")
                var child = try c.message()
                try resource(&child)
            case 2:
                try c.require(wire, .lengthDelimited, field: "scope_metrics")
                var child = try c.message()
                try scopeMetrics(&child)
            case 3:
                try c.require(wire, .lengthDelimited, field: "schema_url")
                _ = try c.skipBytes()
            default: try c.skip(wire)
            }
        }
    }

    // Resource { 1: repeated KeyValue attributes; 2: uint32 dropped_attributes_count;
    //            3: repeated EntityRef entity_refs }
    mutating func resource(_ c: inout Cursor) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            case 2:
                try c.require(wire, .varint, field: "dropped_attributes_count")
                _ = try c.varint()
            case 3:
                try c.require(wire, .lengthDelimited, field: "entity_refs")
                var child = try c.message()
                try entityRef(&child)
            default: try c.skip(wire)
            }
        }
    }

    // EntityRef { 1: string schema_url; 2: string type; 3: repeated string id_keys;
    //             4: repeated string description_keys }
    mutating func entityRef(_ c: inout Cursor) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 2:
                try c.require(wire, .lengthDelimited, field: "type")
                tally.stringBytes += try c.skipBytes()
            case 1, 3, 4:
                try c.require(wire, .lengthDelimited, field: "entity_ref string")
                _ = try c.skipBytes()
            default: try c.skip(wire)
            }
        }
    }

    // ScopeMetrics { 1: InstrumentationScope scope; 2: repeated Metric metrics; 3: string schema_url }
    mutating func scopeMetrics(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.scopes += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "scope")
                var child = try c.message()
                try scope(&child)
            case 2:
                try c.require(wire, .lengthDelimited, field: "metrics")
                var child = try c.message()
                try metric(&child)
            case 3:
                try c.require(wire, .lengthDelimited, field: "schema_url")
                _ = try c.skipBytes()
            default: try c.skip(wire)
            }
        }
    }

    // InstrumentationScope { 1: string name; 2: string version; 3: repeated KeyValue attributes;
    //                        4: uint32 dropped_attributes_count }
    mutating func scope(_ c: inout Cursor) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1, 2:
                try c.require(wire, .lengthDelimited, field: "scope name/version")
                tally.stringBytes += try c.skipBytes()
            case 3:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            case 4:
                try c.require(wire, .varint, field: "dropped_attributes_count")
                _ = try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // Metric { 1: string name; 2: string description; 3: string unit; oneof data { 5: Gauge gauge;
    //          7: Sum sum; 9: Histogram histogram; 10: ExponentialHistogram exponential_histogram;
    //          11: Summary summary }; 12: repeated KeyValue metadata }
    mutating func metric(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.metrics += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1, 2, 3:
                try c.require(wire, .lengthDelimited, field: "metric name/description/unit")
                tally.stringBytes += try c.skipBytes()
            case 5, 7, 9, 10, 11:
                try c.require(wire, .lengthDelimited, field: "metric data")
                var child = try c.message()
                try dataPoints(&child, kind: field)
            case 12:
                try c.require(wire, .lengthDelimited, field: "metadata")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            default: try c.skip(wire)
            }
        }
    }

    // Gauge { 1: repeated NumberDataPoint data_points }
    // Sum { 1: repeated NumberDataPoint data_points; 2: AggregationTemporality; 3: bool is_monotonic }
    // Histogram { 1: repeated HistogramDataPoint data_points; 2: AggregationTemporality }
    // ExponentialHistogram { 1: repeated ExponentialHistogramDataPoint data_points; 2: AggregationTemporality }
    // Summary { 1: repeated SummaryDataPoint data_points }
    mutating func dataPoints(_ c: inout Cursor, kind: UInt64) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "data_points")
                var child = try c.message()
                switch kind {
                case 5, 7: try numberPoint(&child)
                case 9: try histogramPoint(&child)
                case 10: try exponentialHistogramPoint(&child)
                default: try summaryPoint(&child)
                }
            case 2, 3:
                try c.require(wire, .varint, field: "aggregation_temporality/is_monotonic")
                _ = try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // NumberDataPoint { 7: repeated KeyValue attributes; 2: fixed64 start_time_unix_nano;
    //                   3: fixed64 time_unix_nano; oneof value { 4: double as_double; 6: sfixed64 as_int };
    //                   5: repeated Exemplar exemplars; 8: uint32 flags }
    mutating func numberPoint(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.points += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 2, 3, 4, 6:
                try c.require(wire, .fixed64, field: "number point time/value")
                tally.add(try c.fixed64())
            case 5:
                try c.require(wire, .lengthDelimited, field: "exemplars")
                var child = try c.message()
                try exemplar(&child)
            case 7:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            case 8:
                try c.require(wire, .varint, field: "flags")
                _ = try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // HistogramDataPoint { 9: repeated KeyValue attributes; 2: fixed64 start_time_unix_nano;
    //                      3: fixed64 time_unix_nano; 4: fixed64 count; 5: optional double sum;
    //                      6: repeated fixed64 bucket_counts; 7: repeated double explicit_bounds;
    //                      8: repeated Exemplar exemplars; 10: uint32 flags; 11: optional double min;
    //                      12: optional double max }
    mutating func histogramPoint(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.points += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 2, 3, 4, 5, 11, 12:
                try c.require(wire, .fixed64, field: "histogram point scalar")
                tally.add(try c.fixed64())
            case 6:
                try repeatedFixed64(&c, wire) { tally, count in
                    tally.buckets += 1
                    tally.bucketCountSum &+= count
                }
            case 7:
                try repeatedFixed64(&c, wire) { tally, _ in tally.buckets += 1 }
            case 8:
                try c.require(wire, .lengthDelimited, field: "exemplars")
                var child = try c.message()
                try exemplar(&child)
            case 9:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            case 10:
                try c.require(wire, .varint, field: "flags")
                _ = try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // ExponentialHistogramDataPoint { 1: repeated KeyValue attributes; 2: fixed64 start_time_unix_nano;
    //     3: fixed64 time_unix_nano; 4: fixed64 count; 5: optional double sum; 6: sint32 scale;
    //     7: fixed64 zero_count; 8: Buckets positive; 9: Buckets negative; 10: uint32 flags;
    //     11: repeated Exemplar exemplars; 12: optional double min; 13: optional double max;
    //     14: double zero_threshold }
    mutating func exponentialHistogramPoint(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.points += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            case 2, 3, 4, 5, 12, 13:
                try c.require(wire, .fixed64, field: "exponential histogram point scalar")
                tally.add(try c.fixed64())
            case 7, 14:
                try c.require(wire, .fixed64, field: "zero_count/zero_threshold")
                _ = try c.fixed64()
            case 6, 10:
                try c.require(wire, .varint, field: "scale/flags")
                _ = try c.varint()
            case 8, 9:
                try c.require(wire, .lengthDelimited, field: "positive/negative")
                var child = try c.message()
                try exponentialBuckets(&child)
            case 11:
                try c.require(wire, .lengthDelimited, field: "exemplars")
                var child = try c.message()
                try exemplar(&child)
            default: try c.skip(wire)
            }
        }
    }

    // Buckets { 1: sint32 offset; 2: repeated uint64 bucket_counts }
    mutating func exponentialBuckets(_ c: inout Cursor) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .varint, field: "offset")
                _ = try c.varint()
            case 2 where wire == .lengthDelimited:
                var packed = try c.message()
                while !packed.isAtEnd {
                    tally.buckets += 1
                    tally.bucketCountSum &+= try packed.varint()
                }
            case 2:
                try c.require(wire, .varint, field: "bucket_counts")
                tally.buckets += 1
                tally.bucketCountSum &+= try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // SummaryDataPoint { 7: repeated KeyValue attributes; 2: fixed64 start_time_unix_nano;
    //                    3: fixed64 time_unix_nano; 4: fixed64 count; 5: double sum;
    //                    6: repeated ValueAtQuantile quantile_values; 8: uint32 flags }
    // ValueAtQuantile { 1: double quantile; 2: double value }
    mutating func summaryPoint(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.points += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 2, 3, 4, 5:
                try c.require(wire, .fixed64, field: "summary point scalar")
                tally.add(try c.fixed64())
            case 6:
                try c.require(wire, .lengthDelimited, field: "quantile_values")
                var child = try c.message()
                while !child.isAtEnd {
                    let (_, valueWire) = try child.tag()
                    try child.skip(valueWire)
                }
            case 7:
                try c.require(wire, .lengthDelimited, field: "attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            case 8:
                try c.require(wire, .varint, field: "flags")
                _ = try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // Exemplar { 7: repeated KeyValue filtered_attributes; 2: fixed64 time_unix_nano;
    //            oneof value { 3: double as_double; 6: sfixed64 as_int }; 4: bytes span_id; 5: bytes trace_id }
    mutating func exemplar(_ c: inout Cursor) throws(OTLPDecodeError) {
        tally.exemplars += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 2, 3, 6:
                try c.require(wire, .fixed64, field: "exemplar time/value")
                tally.add(try c.fixed64())
            case 4, 5:
                try c.require(wire, .lengthDelimited, field: "span_id/trace_id")
                tally.idBytes += try c.skipBytes()
            case 7:
                try c.require(wire, .lengthDelimited, field: "filtered_attributes")
                var child = try c.message()
                try keyValue(&child, depth: 0)
            default: try c.skip(wire)
            }
        }
    }

    // KeyValue { 1: string key; 2: AnyValue value; 3: int32 key_strindex }
    mutating func keyValue(_ c: inout Cursor, depth: Int) throws(OTLPDecodeError) {
        tally.attributes += 1
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1:
                try c.require(wire, .lengthDelimited, field: "key")
                tally.stringBytes += try c.skipBytes()
            case 2:
                try c.require(wire, .lengthDelimited, field: "value")
                var child = try c.message()
                try anyValue(&child, depth: depth)
            case 3:
                try c.require(wire, .varint, field: "key_strindex")
                _ = try c.varint()
            default: try c.skip(wire)
            }
        }
    }

    // AnyValue { oneof value { 1: string string_value; 2: bool bool_value; 3: int64 int_value;
    //            4: double double_value; 5: ArrayValue array_value; 6: KeyValueList kvlist_value;
    //            7: bytes bytes_value; 8: int32 string_value_strindex } }
    // ArrayValue { 1: repeated AnyValue values }    KeyValueList { 1: repeated KeyValue values }
    mutating func anyValue(_ c: inout Cursor, depth: Int) throws(OTLPDecodeError) {
        while !c.isAtEnd {
            let (field, wire) = try c.tag()
            switch field {
            case 1, 7:
                try c.require(wire, .lengthDelimited, field: "string_value/bytes_value")
                tally.stringBytes += try c.skipBytes()
            case 2, 3, 8:
                try c.require(wire, .varint, field: "bool_value/int_value/string_value_strindex")
                _ = try c.varint()
            case 4:
                try c.require(wire, .fixed64, field: "double_value")
                _ = try c.fixed64()
            case 5, 6:
                try c.require(wire, .lengthDelimited, field: "array_value/kvlist_value")
                guard depth < maxDepth else {
                    throw OTLPDecodeError(.tooDeep, "AnyValue nested deeper than \(maxDepth)", offset: c.position)
                }
                var list = try c.message()
                while !list.isAtEnd {
                    let (listField, listWire) = try list.tag()
                    guard listField == 1 else {
                        try list.skip(listWire)
                        continue
                    }
                    try list.require(listWire, .lengthDelimited, field: "values")
                    var element = try list.message()
                    if field == 5 {
                        try anyValue(&element, depth: depth + 1)
                    } else {
                        try keyValue(&element, depth: depth + 1)
                    }
                }
            default: try c.skip(wire)
            }
        }
    }

    /// Reads a repeated fixed64/double field, packed (one length-delimited run) or not (one value).
    @inline(__always)
    mutating func repeatedFixed64(
        _ c: inout Cursor, _ wire: Cursor.WireType, _ visit: (inout OTLPTally, UInt64) -> Void
    ) throws(OTLPDecodeError) {
        if wire == .lengthDelimited {
            var packed = try c.message()
            while !packed.isAtEnd {
                visit(&tally, try packed.fixed64())
            }
        } else {
            try c.require(wire, .fixed64, field: "repeated fixed64")
            visit(&tally, try c.fixed64())
        }
    }
}
