import PivotModel

/// The lossless byte form of a `HistogramSample`, used in write-ahead log records and in the
/// `histograms` table:
///
/// ```
/// byte      format version, 1
/// svarint   timestamp; svarint start timestamp; svarint schema
/// fixed64   sum bits; fixed64 zero threshold bits
/// byte      reset hint (0...3)
/// byte      counts kind: 0 integer, 1 float
///   integer: uvarint count, uvarint zero count,
///            uvarint n + n svarint positive deltas, uvarint n + n svarint negative deltas
///   float:   fixed64 count, fixed64 zero count,
///            uvarint n + n fixed64 positive counts, uvarint n + n fixed64 negative counts
/// uvarint n + n × (svarint offset, uvarint length)   positive spans
/// uvarint n + n × (svarint offset, uvarint length)   negative spans
/// uvarint n + n fixed64                              custom values
/// ```
/// Fixed-width values are little-endian IEEE 754 bit patterns, so NaN payloads survive.
enum HistogramCodec {
    static let formatVersion: UInt8 = 1

    static func encode(_ histogram: HistogramSample, into out: inout [UInt8]) {
        out.append(formatVersion)
        VarInt.appendSigned(histogram.timestamp, to: &out)
        VarInt.appendSigned(histogram.startTimestamp, to: &out)
        VarInt.appendSigned(Int64(histogram.schema), to: &out)
        FixedWidth.append(histogram.sum.bitPattern, to: &out)
        FixedWidth.append(histogram.zeroThreshold.bitPattern, to: &out)
        out.append(UInt8(histogram.resetHint.rawValue))
        switch histogram.counts {
        case .integer(let count, let zeroCount, let positive, let negative):
            out.append(0)
            VarInt.appendUnsigned(count, to: &out)
            VarInt.appendUnsigned(zeroCount, to: &out)
            for deltas in [positive, negative] {
                VarInt.appendUnsigned(UInt64(deltas.count), to: &out)
                for delta in deltas { VarInt.appendSigned(delta, to: &out) }
            }
        case .float(let count, let zeroCount, let positive, let negative):
            out.append(1)
            FixedWidth.append(count.bitPattern, to: &out)
            FixedWidth.append(zeroCount.bitPattern, to: &out)
            for counts in [positive, negative] {
                VarInt.appendUnsigned(UInt64(counts.count), to: &out)
                for value in counts { FixedWidth.append(value.bitPattern, to: &out) }
            }
        }
        for spans in [histogram.positiveSpans, histogram.negativeSpans] {
            VarInt.appendUnsigned(UInt64(spans.count), to: &out)
            for span in spans {
                VarInt.appendSigned(Int64(span.offset), to: &out)
                VarInt.appendUnsigned(UInt64(span.length), to: &out)
            }
        }
        VarInt.appendUnsigned(UInt64(histogram.customValues.count), to: &out)
        for value in histogram.customValues { FixedWidth.append(value.bitPattern, to: &out) }
    }

    static func encode(_ histogram: HistogramSample) -> [UInt8] {
        var out: [UInt8] = []
        encode(histogram, into: &out)
        return out
    }

    /// Decodes one histogram at the cursor; nil when the bytes are malformed.
    static func decode(_ cursor: inout ByteCursor) -> HistogramSample? {
        guard cursor.byte() == formatVersion,
              let timestamp = cursor.signed(), let startTimestamp = cursor.signed(),
              let schema = cursor.signed(), let schema32 = Int32(exactly: schema),
              let sum = cursor.double(), let zeroThreshold = cursor.double(),
              let hintByte = cursor.byte(), let resetHint = HistogramSample.ResetHint(rawValue: Int(hintByte)),
              let kind = cursor.byte()
        else { return nil }
        let counts: HistogramSample.Counts
        switch kind {
        case 0:
            guard let count = cursor.unsigned(), let zeroCount = cursor.unsigned(),
                  let positive = signedList(&cursor), let negative = signedList(&cursor)
            else { return nil }
            counts = .integer(count: count, zeroCount: zeroCount, positiveDeltas: positive, negativeDeltas: negative)
        case 1:
            guard let count = cursor.double(), let zeroCount = cursor.double(),
                  let positive = doubleList(&cursor), let negative = doubleList(&cursor)
            else { return nil }
            counts = .float(count: count, zeroCount: zeroCount, positiveCounts: positive, negativeCounts: negative)
        default:
            return nil
        }
        guard let positiveSpans = spanList(&cursor), let negativeSpans = spanList(&cursor),
              let customValues = doubleList(&cursor)
        else { return nil }
        return HistogramSample(
            timestamp: timestamp, schema: schema32, sum: sum, zeroThreshold: zeroThreshold, counts: counts,
            positiveSpans: positiveSpans, negativeSpans: negativeSpans, resetHint: resetHint,
            customValues: customValues, startTimestamp: startTimestamp)
    }

    static func decode(_ bytes: [UInt8]) -> HistogramSample? {
        bytes.withUnsafeBytes { raw in
            var cursor = ByteCursor(raw)
            let histogram = decode(&cursor)
            return cursor.isAtEnd ? histogram : nil
        }
    }

    private static func signedList(_ cursor: inout ByteCursor) -> [Int64]? {
        guard let count = cursor.count() else { return nil }
        var list: [Int64] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = cursor.signed() else { return nil }
            list.append(value)
        }
        return list
    }

    private static func doubleList(_ cursor: inout ByteCursor) -> [Double]? {
        guard let count = cursor.count(minimumElementSize: 8) else { return nil }
        var list: [Double] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = cursor.double() else { return nil }
            list.append(value)
        }
        return list
    }

    private static func spanList(_ cursor: inout ByteCursor) -> [BucketSpan]? {
        guard let count = cursor.count(minimumElementSize: 2) else { return nil }
        var list: [BucketSpan] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            guard let offset = cursor.signed(), let offset32 = Int32(exactly: offset),
                  let length = cursor.unsigned(), let length32 = UInt32(exactly: length)
            else { return nil }
            list.append(BucketSpan(offset: offset32, length: length32))
        }
        return list
    }
}

extension HistogramSample {
    /// Why the histogram is malformed (span lengths that do not add up to the bucket counts), or nil.
    var validationProblem: String? {
        let positiveSpanTotal = positiveSpans.reduce(0) { $0 + Int($1.length) }
        let negativeSpanTotal = negativeSpans.reduce(0) { $0 + Int($1.length) }
        let (positiveBuckets, negativeBuckets): (Int, Int)
        switch counts {
        case .integer(_, _, let positive, let negative): (positiveBuckets, negativeBuckets) = (positive.count, negative.count)
        case .float(_, _, let positive, let negative): (positiveBuckets, negativeBuckets) = (positive.count, negative.count)
        }
        if positiveSpanTotal != positiveBuckets {
            return "positive spans cover \(positiveSpanTotal) buckets but \(positiveBuckets) positive buckets are given"
        }
        if negativeSpanTotal != negativeBuckets {
            return "negative spans cover \(negativeSpanTotal) buckets but \(negativeBuckets) negative buckets are given"
        }
        return nil
    }
}

extension HistogramSample {
    /// Bitwise equality (NaN sums or counts with the same bits are identical, unlike `==`).
    func isIdentical(to other: HistogramSample) -> Bool {
        HistogramCodec.encode(self) == HistogramCodec.encode(other)
    }
}
