import PivotModel

/// The records the metric store writes to its write-ahead log. Each payload starts with a type byte:
///
/// ```
/// 1 series      uvarint n, n × (uvarint id, uvarint length + LabelSetEncoding)
/// 2 samples     svarint base time, uvarint series,
///               per series: uvarint id, uvarint n, n × (svarint time − base, fixed64 value bits)
/// 3 histograms  uvarint n, n × (uvarint id, uvarint length + HistogramCodec bytes)
/// 4 exemplars   uvarint n, n × (uvarint id, svarint time, fixed64 value bits, uvarint length + ExemplarLabelEncoding)
/// 5 metadata    uvarint n, n × (string metric, byte type (remote-write number), string help, string unit)
/// ```
/// Strings are uvarint length + UTF-8. A series record precedes, in the same append, the first
/// record that uses its id. Replaying applies records in log order.
enum WALRecord {
    case series([(id: SeriesID, labels: [UInt8])])
    case samples(SampleRuns)
    case histograms([(id: SeriesID, histogram: HistogramSample)])
    case exemplars([StoredExemplar])
    case metadata([(metric: String, metadata: MetricMetadata)])

    enum Kind: UInt8 {
        case series = 1, samples = 2, histograms = 3, exemplars = 4, metadata = 5
    }

    /// Samples of several series: `samples[ends[i - 1]..<ends[i]]` belong to `ids[i]`.
    struct SampleRuns {
        var ids: [SeriesID] = []
        var ends: [Int] = []
        var samples: [Sample] = []
    }

    /// Why a record cannot be decoded.
    struct DecodingError: Error, CustomStringConvertible {
        var description: String
    }

    static func decode(_ payload: UnsafeRawBufferPointer) throws(DecodingError) -> WALRecord {
        var cursor = ByteCursor(payload)
        guard let typeByte = cursor.byte(), let kind = Kind(rawValue: typeByte) else {
            throw DecodingError(description: "unknown record type \(payload.first.map(String.init) ?? "(empty)")")
        }
        let record: WALRecord?
        switch kind {
        case .series: record = decodeSeries(&cursor)
        case .samples: record = decodeSamples(&cursor)
        case .histograms: record = decodeHistograms(&cursor)
        case .exemplars: record = decodeExemplars(&cursor)
        case .metadata: record = decodeMetadata(&cursor)
        }
        guard let record, cursor.isAtEnd else {
            throw DecodingError(description: "malformed \(kind) record of \(payload.count) bytes")
        }
        return record
    }

    private static func decodeSeries(_ cursor: inout ByteCursor) -> WALRecord? {
        guard let count = cursor.count(minimumElementSize: 2) else { return nil }
        var entries: [(id: SeriesID, labels: [UInt8])] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let id = cursor.unsigned(), let id32 = SeriesID(exactly: id), let labels = cursor.lengthPrefixed() else {
                return nil
            }
            entries.append((id32, Array(labels)))
        }
        return .series(entries)
    }

    private static func decodeSamples(_ cursor: inout ByteCursor) -> WALRecord? {
        guard let base = cursor.signed(), let seriesCount = cursor.count(minimumElementSize: 2) else { return nil }
        var runs = SampleRuns()
        runs.ids.reserveCapacity(seriesCount)
        runs.ends.reserveCapacity(seriesCount)
        for _ in 0..<seriesCount {
            guard let id = cursor.unsigned(), let id32 = SeriesID(exactly: id),
                  let count = cursor.count(minimumElementSize: 9)
            else { return nil }
            for _ in 0..<count {
                guard let delta = cursor.signed(), let bits = cursor.fixed64() else { return nil }
                runs.samples.append(Sample(timestamp: base &+ delta, value: Double(bitPattern: bits)))
            }
            runs.ids.append(id32)
            runs.ends.append(runs.samples.count)
        }
        return .samples(runs)
    }

    private static func decodeHistograms(_ cursor: inout ByteCursor) -> WALRecord? {
        guard let count = cursor.count(minimumElementSize: 2) else { return nil }
        var entries: [(id: SeriesID, histogram: HistogramSample)] = []
        for _ in 0..<count {
            guard let id = cursor.unsigned(), let id32 = SeriesID(exactly: id), let bytes = cursor.lengthPrefixed() else {
                return nil
            }
            var inner = ByteCursor(bytes)
            guard let histogram = HistogramCodec.decode(&inner), inner.isAtEnd else { return nil }
            entries.append((id32, histogram))
        }
        return .histograms(entries)
    }

    private static func decodeExemplars(_ cursor: inout ByteCursor) -> WALRecord? {
        guard let count = cursor.count(minimumElementSize: 11) else { return nil }
        var entries: [StoredExemplar] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let id = cursor.unsigned(), let id32 = SeriesID(exactly: id), let time = cursor.signed(),
                  let bits = cursor.fixed64(), let labels = cursor.lengthPrefixed()
            else { return nil }
            entries.append(StoredExemplar(series: id32, timestamp: time, valueBits: bits, labels: Array(labels)))
        }
        return .exemplars(entries)
    }

    private static func decodeMetadata(_ cursor: inout ByteCursor) -> WALRecord? {
        guard let count = cursor.count(minimumElementSize: 4) else { return nil }
        var entries: [(metric: String, metadata: MetricMetadata)] = []
        for _ in 0..<count {
            guard let metric = cursor.string(), let type = cursor.byte(), let help = cursor.string(),
                  let unit = cursor.string()
            else { return nil }
            entries.append((metric, MetricMetadata(type: MetricType(wireValue: Int(type)), help: help, unit: unit)))
        }
        return .metadata(entries)
    }
}

/// Writes `WALRecord` payloads straight into a buffer.
enum WALRecordEncoder {
    static func series(_ entries: [(id: SeriesID, labels: [UInt8])], into out: inout [UInt8]) {
        out.append(WALRecord.Kind.series.rawValue)
        VarInt.appendUnsigned(UInt64(entries.count), to: &out)
        for entry in entries {
            VarInt.appendUnsigned(UInt64(entry.id), to: &out)
            VarInt.appendUnsigned(UInt64(entry.labels.count), to: &out)
            out.append(contentsOf: entry.labels)
        }
    }

    /// Starts a samples record; follow with `sampleRun` for each series.
    static func samplesHeader(base: Int64, seriesCount: Int, into out: inout [UInt8]) {
        out.append(WALRecord.Kind.samples.rawValue)
        VarInt.appendSigned(base, to: &out)
        VarInt.appendUnsigned(UInt64(seriesCount), to: &out)
    }

    @inline(__always)
    static func sampleRun(id: SeriesID, base: Int64, samples: UnsafeBufferPointer<Sample>, into out: inout [UInt8]) {
        VarInt.appendUnsigned(UInt64(id), to: &out)
        VarInt.appendUnsigned(UInt64(samples.count), to: &out)
        for sample in samples {
            VarInt.appendSigned(sample.timestamp &- base, to: &out)
            FixedWidth.append(sample.value.bitPattern, to: &out)
        }
    }

    static func histograms(_ entries: [(id: SeriesID, histogram: HistogramSample)], into out: inout [UInt8]) {
        out.append(WALRecord.Kind.histograms.rawValue)
        VarInt.appendUnsigned(UInt64(entries.count), to: &out)
        var scratch: [UInt8] = []
        for entry in entries {
            VarInt.appendUnsigned(UInt64(entry.id), to: &out)
            scratch.removeAll(keepingCapacity: true)
            HistogramCodec.encode(entry.histogram, into: &scratch)
            VarInt.appendUnsigned(UInt64(scratch.count), to: &out)
            out.append(contentsOf: scratch)
        }
    }

    static func exemplars(_ entries: [StoredExemplar], into out: inout [UInt8]) {
        out.append(WALRecord.Kind.exemplars.rawValue)
        VarInt.appendUnsigned(UInt64(entries.count), to: &out)
        for entry in entries {
            VarInt.appendUnsigned(UInt64(entry.series), to: &out)
            VarInt.appendSigned(entry.timestamp, to: &out)
            FixedWidth.append(entry.valueBits, to: &out)
            VarInt.appendUnsigned(UInt64(entry.labels.count), to: &out)
            out.append(contentsOf: entry.labels)
        }
    }

    static func metadata(_ entries: [(metric: String, metadata: MetricMetadata)], into out: inout [UInt8]) {
        out.append(WALRecord.Kind.metadata.rawValue)
        VarInt.appendUnsigned(UInt64(entries.count), to: &out)
        for entry in entries {
            appendString(entry.metric, to: &out)
            out.append(UInt8(entry.metadata.type.wireValue))
            appendString(entry.metadata.help, to: &out)
            appendString(entry.metadata.unit, to: &out)
        }
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        VarInt.appendUnsigned(UInt64(string.utf8.count), to: &out)
        out.append(contentsOf: string.utf8)
    }
}
