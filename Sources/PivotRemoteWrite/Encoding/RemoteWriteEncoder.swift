import PivotModel

/// Encodes a `WriteBatch` as a remote-write 1.0 or 2.0 protobuf body, for tests, end-to-end tests and
/// benchmarks (Pivot itself only receives remote-write).
///
/// Label bytes are written exactly as the batch holds them (even invalid UTF-8), so malformed requests
/// can be built too. For 2.0, metadata is attached to every series whose `__name__` equals the metadata
/// name (2.0 has no other place for it; metadata without such a series is not sent), and the symbol
/// table starts with the empty string and lists each distinct string once.
public struct RemoteWriteEncoder: Sendable {
    public init() {}

    /// The uncompressed protobuf body.
    ///
    /// - Parameter sampleStartTimestamps: 2.0 only: start timestamps (milliseconds, 0 = unset), index for
    ///   index with `batch.samples`; empty for none.
    public func encode(
        _ batch: WriteBatch, version: RemoteWriteVersion, sampleStartTimestamps: [Int64] = []
    ) -> [UInt8] {
        switch version {
        case .v1: encodeV1(batch)
        case .v2: encodeV2(batch, sampleStartTimestamps: sampleStartTimestamps)
        }
    }

    /// The snappy-compressed (block format) body, as a sender posts it.
    public func encodeCompressed(
        _ batch: WriteBatch, version: RemoteWriteVersion, sampleStartTimestamps: [Int64] = []
    ) -> [UInt8] {
        Snappy.compress(encode(batch, version: version, sampleStartTimestamps: sampleStartTimestamps))
    }

    // MARK: 1.0

    private func encodeV1(_ batch: WriteBatch) -> [UInt8] {
        var writer = ProtoWriter()
        writer.bytes.reserveCapacity(batch.bytes.count + batch.samples.count * 16 + batch.labelRefs.count * 6)
        for series in batch.series {
            writer.message(1) { ts in
                for ref in batch.labelRefs[series.labels] { writeV1Label(ref, of: batch, to: &ts) }
                for sample in batch.samples[series.samples] {
                    ts.message(2) { s in
                        if sample.value.bitPattern != 0 { s.doubleField(1, sample.value) }
                        if sample.timestamp != 0 { s.int64Field(2, sample.timestamp) }
                    }
                }
                for exemplar in batch.exemplars[series.exemplars] {
                    ts.message(3) { e in
                        for ref in batch.labelRefs[exemplar.labels] { writeV1Label(ref, of: batch, to: &e) }
                        if exemplar.value.bitPattern != 0 { e.doubleField(2, exemplar.value) }
                        if exemplar.timestamp != 0 { e.int64Field(3, exemplar.timestamp) }
                    }
                }
                for histogram in batch.histograms[series.histograms] {
                    ts.message(4) { h in writeHistogram(histogram, version: .v1, to: &h) }
                }
            }
        }
        for (name, metadata) in batch.metadata {
            writer.message(3) { m in
                if metadata.type.wireValue != 0 { m.uint64Field(1, UInt64(metadata.type.wireValue)) }
                if !name.isEmpty { m.bytesField(2, name.utf8) }
                if !metadata.help.isEmpty { m.bytesField(4, metadata.help.utf8) }
                if !metadata.unit.isEmpty { m.bytesField(5, metadata.unit.utf8) }
            }
        }
        return writer.bytes
    }

    private func writeV1Label(_ ref: WriteBatch.LabelRef, of batch: WriteBatch, to writer: inout ProtoWriter) {
        writer.message(1) { l in
            if ref.name.length > 0 { l.bytesField(1, slice(ref.name, of: batch)) }
            if ref.value.length > 0 { l.bytesField(2, slice(ref.value, of: batch)) }
        }
    }

    // MARK: 2.0

    private func encodeV2(_ batch: WriteBatch, sampleStartTimestamps: [Int64]) -> [UInt8] {
        var symbols: [[UInt8]] = [[]]
        var symbolIndex: [[UInt8]: UInt64] = [[]: 0]
        func ref(_ bytes: some Collection<UInt8>) -> UInt64 {
            let key = Array(bytes)
            if let index = symbolIndex[key] { return index }
            let index = UInt64(symbols.count)
            symbols.append(key)
            symbolIndex[key] = index
            return index
        }
        func refs(_ labels: Range<Int>) -> [UInt64] {
            batch.labelRefs[labels].flatMap { [ref(slice($0.name, of: batch)), ref(slice($0.value, of: batch))] }
        }
        var metadataByName: [String: MetricMetadata] = [:]
        for (name, metadata) in batch.metadata where metadataByName[name] == nil { metadataByName[name] = metadata }

        var body = ProtoWriter()
        for series in batch.series {
            let labelRefs = refs(series.labels)
            let metadata = metadataByName[batch.labels(series.labels).metricName]
            body.message(5) { ts in
                if !labelRefs.isEmpty { ts.packedVarints(1, labelRefs) }
                for index in series.samples {
                    let sample = batch.samples[index]
                    let start = index < sampleStartTimestamps.count ? sampleStartTimestamps[index] : 0
                    ts.message(2) { s in
                        if sample.value.bitPattern != 0 { s.doubleField(1, sample.value) }
                        if sample.timestamp != 0 { s.int64Field(2, sample.timestamp) }
                        if start != 0 { s.int64Field(3, start) }
                    }
                }
                for histogram in batch.histograms[series.histograms] {
                    ts.message(3) { h in writeHistogram(histogram, version: .v2, to: &h) }
                }
                for exemplar in batch.exemplars[series.exemplars] {
                    let exemplarRefs = refs(exemplar.labels)
                    ts.message(4) { e in
                        if !exemplarRefs.isEmpty { e.packedVarints(1, exemplarRefs) }
                        if exemplar.value.bitPattern != 0 { e.doubleField(2, exemplar.value) }
                        if exemplar.timestamp != 0 { e.int64Field(3, exemplar.timestamp) }
                    }
                }
                if let metadata {
                    let help = ref(metadata.help.utf8)
                    let unit = ref(metadata.unit.utf8)
                    ts.message(5) { m in
                        if metadata.type.wireValue != 0 { m.uint64Field(1, UInt64(metadata.type.wireValue)) }
                        if help != 0 { m.uint64Field(3, help) }
                        if unit != 0 { m.uint64Field(4, unit) }
                    }
                }
            }
        }
        var writer = ProtoWriter()
        writer.bytes.reserveCapacity(body.bytes.count + symbols.reduce(0) { $0 + $1.count + 2 })
        for symbol in symbols { writer.bytesField(4, symbol) }
        writer.bytes.append(contentsOf: body.bytes)
        return writer.bytes
    }

    // MARK: Shared

    private func writeHistogram(_ histogram: HistogramSample, version: RemoteWriteVersion, to h: inout ProtoWriter) {
        func spans(_ field: Int, _ spans: [BucketSpan]) {
            for span in spans {
                h.message(field) { s in
                    if span.offset != 0 { s.uint64Field(1, ProtoWriter.zigzag(span.offset)) }
                    if span.length != 0 { s.uint64Field(2, UInt64(span.length)) }
                }
            }
        }
        switch histogram.counts {
        case .integer(let count, _, _, _):
            h.uint64Field(1, count)
        case .float(let count, _, _, _):
            h.doubleField(2, count)
        }
        if histogram.sum.bitPattern != 0 { h.doubleField(3, histogram.sum) }
        if histogram.schema != 0 { h.uint64Field(4, ProtoWriter.zigzag(histogram.schema)) }
        if histogram.zeroThreshold.bitPattern != 0 { h.doubleField(5, histogram.zeroThreshold) }
        switch histogram.counts {
        case .integer(_, let zeroCount, _, _):
            h.uint64Field(6, zeroCount)
        case .float(_, let zeroCount, _, _):
            h.doubleField(7, zeroCount)
        }
        spans(8, histogram.negativeSpans)
        switch histogram.counts {
        case .integer(_, _, _, let negativeDeltas):
            if !negativeDeltas.isEmpty { h.packedVarints(9, negativeDeltas.map(ProtoWriter.zigzag)) }
        case .float(_, _, _, let negativeCounts):
            if !negativeCounts.isEmpty { h.packedDoubles(10, negativeCounts) }
        }
        spans(11, histogram.positiveSpans)
        switch histogram.counts {
        case .integer(_, _, let positiveDeltas, _):
            if !positiveDeltas.isEmpty { h.packedVarints(12, positiveDeltas.map(ProtoWriter.zigzag)) }
        case .float(_, _, let positiveCounts, _):
            if !positiveCounts.isEmpty { h.packedDoubles(13, positiveCounts) }
        }
        if histogram.resetHint != .unknown { h.uint64Field(14, UInt64(histogram.resetHint.rawValue)) }
        if histogram.timestamp != 0 { h.int64Field(15, histogram.timestamp) }
        if !histogram.customValues.isEmpty { h.packedDoubles(16, histogram.customValues) }
        if version == .v2 && histogram.startTimestamp != 0 { h.int64Field(17, histogram.startTimestamp) }
    }

    private func slice(_ range: WriteBatch.ByteRange, of batch: WriteBatch) -> ArraySlice<UInt8> {
        batch.bytes[Int(range.offset)..<Int(range.offset) + Int(range.length)]
    }
}
