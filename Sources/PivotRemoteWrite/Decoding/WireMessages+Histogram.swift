import PivotModel

/// Native histograms: the same message in 1.0 (`prometheus.Histogram`) and 2.0
/// (`io.prometheus.write.v2.Histogram`, which adds `start_timestamp = 17`).
extension WireMessages {
    /// ```
    /// message Histogram {
    ///   oneof count { uint64 count_int = 1; double count_float = 2; }
    ///   double sum = 3;
    ///   sint32 schema = 4;
    ///   double zero_threshold = 5;
    ///   oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
    ///   repeated BucketSpan negative_spans = 8;
    ///   repeated sint64 negative_deltas = 9;
    ///   repeated double negative_counts = 10;
    ///   repeated BucketSpan positive_spans = 11;
    ///   repeated sint64 positive_deltas = 12;
    ///   repeated double positive_counts = 13;
    ///   ResetHint reset_hint = 14;
    ///   int64 timestamp = 15;
    ///   repeated double custom_values = 16;
    ///   int64 start_timestamp = 17;   // 2.0 only
    /// }
    /// ```
    /// A histogram is a float histogram when its count arrived as `count_float` (as Prometheus decides);
    /// otherwise it is an integer histogram and the `*_counts` fields are ignored (and vice versa).
    func decodeHistogram(_ range: Range<Int>, version: RemoteWriteVersion) throws(RemoteWriteDecodeError) -> HistogramSample {
        var histogram = ProtoReader(buffer, range: range)
        var isFloat = false
        var countInt: UInt64 = 0
        var countFloat = 0.0
        var zeroIsFloat = false
        var zeroCountInt: UInt64 = 0
        var zeroCountFloat = 0.0
        var sum = 0.0
        var schema: Int32 = 0
        var zeroThreshold = 0.0
        var negativeSpans: [BucketSpan] = []
        var negativeDeltas: [Int64] = []
        var negativeCounts: [Double] = []
        var positiveSpans: [BucketSpan] = []
        var positiveDeltas: [Int64] = []
        var positiveCounts: [Double] = []
        var resetHint = HistogramSample.ResetHint.unknown
        var timestamp: Int64 = 0
        var customValues: [Double] = []
        var startTimestamp: Int64 = 0
        while histogram.hasMore {
            let (field, wireType) = try histogram.readTag()
            switch field {
            case 1:
                try histogram.expect(wireType, WireType.varint, field: field, "count_int")
                countInt = try histogram.readVarint()
                isFloat = false
            case 2:
                try histogram.expect(wireType, WireType.fixed64, field: field, "count_float")
                countFloat = try histogram.readDouble()
                isFloat = true
            case 3:
                try histogram.expect(wireType, WireType.fixed64, field: field, "sum")
                sum = try histogram.readDouble()
            case 4:
                try histogram.expect(wireType, WireType.varint, field: field, "schema")
                schema = try histogram.readSInt32()
            case 5:
                try histogram.expect(wireType, WireType.fixed64, field: field, "zero_threshold")
                zeroThreshold = try histogram.readDouble()
            case 6:
                try histogram.expect(wireType, WireType.varint, field: field, "zero_count_int")
                zeroCountInt = try histogram.readVarint()
                zeroIsFloat = false
            case 7:
                try histogram.expect(wireType, WireType.fixed64, field: field, "zero_count_float")
                zeroCountFloat = try histogram.readDouble()
                zeroIsFloat = true
            case 8:
                try histogram.expect(wireType, WireType.lengthDelimited, field: field, "negative_spans")
                negativeSpans.append(try decodeBucketSpan(try histogram.readLengthDelimited(), "negative_spans"))
            case 9:
                try histogram.appendSInt64s(wireType: wireType, field: field, "negative_deltas", to: &negativeDeltas)
            case 10:
                try histogram.appendDoubles(wireType: wireType, field: field, "negative_counts", to: &negativeCounts)
            case 11:
                try histogram.expect(wireType, WireType.lengthDelimited, field: field, "positive_spans")
                positiveSpans.append(try decodeBucketSpan(try histogram.readLengthDelimited(), "positive_spans"))
            case 12:
                try histogram.appendSInt64s(wireType: wireType, field: field, "positive_deltas", to: &positiveDeltas)
            case 13:
                try histogram.appendDoubles(wireType: wireType, field: field, "positive_counts", to: &positiveCounts)
            case 14:
                try histogram.expect(wireType, WireType.varint, field: field, "reset_hint")
                resetHint = HistogramSample.ResetHint(rawValue: Int(truncatingIfNeeded: try histogram.readVarint())) ?? .unknown
            case 15:
                try histogram.expect(wireType, WireType.varint, field: field, "timestamp")
                timestamp = try histogram.readInt64()
            case 16:
                try histogram.appendDoubles(wireType: wireType, field: field, "custom_values", to: &customValues)
            case 17 where version == .v2:
                try histogram.expect(wireType, WireType.varint, field: field, "start_timestamp")
                startTimestamp = try histogram.readInt64()
            default:
                try histogram.skip(wireType: wireType, field: field)
            }
        }
        let counts: HistogramSample.Counts
        if isFloat {
            counts = .float(
                count: countFloat, zeroCount: zeroIsFloat ? zeroCountFloat : Double(zeroCountInt),
                positiveCounts: positiveCounts, negativeCounts: negativeCounts)
        } else {
            counts = .integer(
                count: countInt, zeroCount: zeroCountInt, positiveDeltas: positiveDeltas, negativeDeltas: negativeDeltas)
        }
        return HistogramSample(
            timestamp: timestamp, schema: schema, sum: sum, zeroThreshold: zeroThreshold, counts: counts,
            positiveSpans: positiveSpans, negativeSpans: negativeSpans, resetHint: resetHint,
            customValues: customValues, startTimestamp: startTimestamp)
    }

    /// ```
    /// message BucketSpan {
    ///   sint32 offset = 1;
    ///   uint32 length = 2;
    /// }
    /// ```
    func decodeBucketSpan(_ range: Range<Int>, _ name: StaticString) throws(RemoteWriteDecodeError) -> BucketSpan {
        var span = ProtoReader(buffer, range: range)
        var offset: Int32 = 0
        var length: UInt32 = 0
        do {
            while span.hasMore {
                let (field, wireType) = try span.readTag()
                switch field {
                case 1:
                    try span.expect(wireType, WireType.varint, field: field, "offset")
                    offset = try span.readSInt32()
                case 2:
                    try span.expect(wireType, WireType.varint, field: field, "length")
                    length = try span.readUInt32()
                default:
                    try span.skip(wireType: wireType, field: field)
                }
            }
        } catch {
            throw error.within("cannot read \(name)")
        }
        return BucketSpan(offset: offset, length: length)
    }
}
