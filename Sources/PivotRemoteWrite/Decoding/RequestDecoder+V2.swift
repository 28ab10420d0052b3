import PivotModel

/// Remote-write 2.0: `io.prometheus.write.v2.Request` (prompb/io/prometheus/write/v2/types.proto, rc.4).
extension RequestDecoder {
    /// Symbol table and metadata de-duplication of one 2.0 request.
    struct V2State {
        var symbols: [ByteRange] = []
        /// Metadata already emitted, so a family sent with each of its series is kept once.
        var metadataSeen: Set<V2MetadataKey> = []
    }

    struct V2MetadataKey: Hashable {
        var name: ByteRange
        var type: Int
        var help: ByteRange
        var unit: ByteRange
    }

    /// ```
    /// message Request {
    ///   reserved 1 to 3;
    ///   repeated string symbols = 4;
    ///   repeated TimeSeries timeseries = 5;
    /// }
    /// ```
    /// Fields may come in any order, so a first pass collects the symbols and finds the series.
    mutating func decodeV2Request() throws(RemoteWriteDecodeError) {
        var request = ProtoReader(buffer, range: 0..<buffer.count)
        var state = V2State()
        var seriesRanges: [Range<Int>] = []
        seriesRanges.reserveCapacity(min(request.end / 32, limits.maxSeriesPerRequest) + 1)
        while request.hasMore {
            let at = request.position
            let (field, wireType) = try request.readTag()
            switch field {
            case 4:
                try request.expect(wireType, WireType.lengthDelimited, field: field, "symbols")
                state.symbols.append(WireMessages.byteRange(try request.readLengthDelimited()))
            case 5:
                try request.expect(wireType, WireType.lengthDelimited, field: field, "timeseries")
                seriesRanges.append(try request.readLengthDelimited())
                try checkSeriesCount(seriesRanges.count, at: at)
            default:
                try request.skip(wireType: wireType, field: field)
            }
        }
        if let first = state.symbols.first, first.length != 0 {
            throw RemoteWriteDecodeError(
                .malformed, "cannot read symbols: symbols[0] must be the empty string, got \"\(preview(first))\"",
                offset: Int(first.offset))
        }
        output.series.reserveCapacity(seriesRanges.count)
        for (index, range) in seriesRanges.enumerated() {
            do {
                try decodeV2TimeSeries(range, state: &state)
            } catch {
                throw error.within("cannot read timeseries \(index)")
            }
            if index == 0 { reserveLike(firstOf: seriesRanges.count) }
        }
    }

    /// ```
    /// message TimeSeries {
    ///   repeated uint32 labels_refs = 1;
    ///   repeated Sample samples = 2;
    ///   repeated Histogram histograms = 3;
    ///   repeated Exemplar exemplars = 4;
    ///   Metadata metadata = 5;
    ///   reserved 6;
    /// }
    /// ```
    mutating func decodeV2TimeSeries(_ range: Range<Int>, state: inout V2State) throws(RemoteWriteDecodeError) {
        var series = ProtoReader(buffer, range: range)
        let start = seriesStart
        var pendingName: ByteRange? = nil
        var metadataRange: Range<Int>? = nil
        while series.hasMore {
            let (field, wireType) = try series.readTag()
            switch field {
            case 1:
                do {
                    if wireType == WireType.lengthDelimited {
                        var refs = series.reader(for: try series.readLengthDelimited())
                        if let name = pendingName, refs.hasMore {
                            let value = try WireMessages.symbolRef(&refs, state.symbols)
                            try appendSeriesLabel(LabelRef(name: name, value: value), seriesFrom: start)
                            pendingName = nil
                        }
                        while refs.hasMore {
                            let name = try WireMessages.symbolRef(&refs, state.symbols)
                            guard refs.hasMore else {
                                pendingName = name
                                break
                            }
                            let value = try WireMessages.symbolRef(&refs, state.symbols)
                            try appendSeriesLabel(LabelRef(name: name, value: value), seriesFrom: start)
                        }
                    } else {
                        try series.expect(wireType, WireType.varint, field: field, "labels_refs")
                        let symbol = try WireMessages.symbolRef(&series, state.symbols)
                        if let name = pendingName {
                            try appendSeriesLabel(LabelRef(name: name, value: symbol), seriesFrom: start)
                            pendingName = nil
                        } else {
                            pendingName = symbol
                        }
                    }
                } catch {
                    // Limit errors already name the series; only reading errors get the label's position.
                    if error.code == .limitExceeded { throw error }
                    throw error.within("cannot read label \(output.labelRefs.count - start.labels)")
                }
            case 2:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "samples")
                let sampleRange = try series.readLengthDelimited()
                try checkSampleLimit(seriesFrom: start, at: sampleRange.lowerBound)
                do {
                    try decodeV2Sample(sampleRange)
                } catch {
                    throw error.within("cannot read sample \(output.samples.count - start.samples)")
                }
            case 3:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "histograms")
                let histogramRange = try series.readLengthDelimited()
                try checkHistogramLimit(seriesFrom: start, at: histogramRange.lowerBound)
                do {
                    output.histograms.append(try messages.decodeHistogram(histogramRange, version: .v2))
                } catch {
                    throw error.within("cannot read histogram \(output.histograms.count - start.histograms)")
                }
            case 4:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "exemplars")
                let exemplarRange = try series.readLengthDelimited()
                do {
                    try decodeV2Exemplar(exemplarRange, symbols: state.symbols)
                } catch {
                    throw error.within("cannot read exemplar")
                }
            case 5:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "metadata")
                metadataRange = try series.readLengthDelimited()
            default:
                try series.skip(wireType: wireType, field: field)
            }
        }
        if let name = pendingName {
            throw RemoteWriteDecodeError(
                .malformed,
                "labels_refs has an odd number of references: name \"\(preview(name))\" has no value "
                    + "(series \(seriesText(start.labels..<output.labelRefs.count)))",
                offset: range.lowerBound)
        }
        if let metadataRange {
            do {
                try decodeV2Metadata(metadataRange, seriesLabels: start.labels..<output.labelRefs.count, state: &state)
            } catch {
                throw error.within("cannot read metadata")
            }
        }
        finishSeries(from: start)
    }

    /// ```
    /// message Sample {
    ///   double value = 1;
    ///   int64 timestamp = 2;
    ///   int64 start_timestamp = 3;
    /// }
    /// ```
    @inline(__always)
    mutating func decodeV2Sample(_ range: Range<Int>) throws(RemoteWriteDecodeError) {
        var sample = ProtoReader(buffer, range: range)
        var value = 0.0
        var timestamp: Int64 = 0
        var startTimestamp: Int64 = 0
        while sample.hasMore {
            let (field, wireType) = try sample.readTag()
            switch field {
            case 1:
                try sample.expect(wireType, WireType.fixed64, field: field, "value")
                value = try sample.readDouble()
            case 2:
                try sample.expect(wireType, WireType.varint, field: field, "timestamp")
                timestamp = try sample.readInt64()
            case 3:
                try sample.expect(wireType, WireType.varint, field: field, "start_timestamp")
                startTimestamp = try sample.readInt64()
            default:
                try sample.skip(wireType: wireType, field: field)
            }
        }
        output.samples.append(Sample(timestamp: timestamp, value: value))
        if !output.sampleStartTimestamps.isEmpty {
            output.sampleStartTimestamps.append(startTimestamp)
        } else if startTimestamp != 0 {
            output.sampleStartTimestamps = [Int64](repeating: 0, count: output.samples.count - 1)
            output.sampleStartTimestamps.reserveCapacity(output.samples.capacity)
            output.sampleStartTimestamps.append(startTimestamp)
        }
    }

    /// ```
    /// message Exemplar {
    ///   repeated uint32 labels_refs = 1;
    ///   double value = 2;
    ///   int64 timestamp = 3;
    /// }
    /// ```
    mutating func decodeV2Exemplar(_ range: Range<Int>, symbols: [ByteRange]) throws(RemoteWriteDecodeError) {
        var exemplar = ProtoReader(buffer, range: range)
        let labelStart = exemplarLabels.count
        var pendingName: ByteRange? = nil
        var value = 0.0
        var timestamp: Int64 = 0
        do throws(RemoteWriteDecodeError) {
            while exemplar.hasMore {
                let (field, wireType) = try exemplar.readTag()
                switch field {
                case 1:
                    if wireType == WireType.lengthDelimited {
                        var refs = exemplar.reader(for: try exemplar.readLengthDelimited())
                        while refs.hasMore {
                            let symbol = try WireMessages.symbolRef(&refs, symbols)
                            if let name = pendingName {
                                exemplarLabels.append(LabelRef(name: name, value: symbol))
                                pendingName = nil
                            } else {
                                pendingName = symbol
                            }
                        }
                    } else {
                        try exemplar.expect(wireType, WireType.varint, field: field, "labels_refs")
                        let symbol = try WireMessages.symbolRef(&exemplar, symbols)
                        if let name = pendingName {
                            exemplarLabels.append(LabelRef(name: name, value: symbol))
                            pendingName = nil
                        } else {
                            pendingName = symbol
                        }
                    }
                case 2:
                    try exemplar.expect(wireType, WireType.fixed64, field: field, "value")
                    value = try exemplar.readDouble()
                case 3:
                    try exemplar.expect(wireType, WireType.varint, field: field, "timestamp")
                    timestamp = try exemplar.readInt64()
                default:
                    try exemplar.skip(wireType: wireType, field: field)
                }
            }
            if let name = pendingName {
                throw RemoteWriteDecodeError(
                    .malformed, "labels_refs has an odd number of references: name \"\(preview(name))\" has no value",
                    offset: range.lowerBound)
            }
        } catch {
            exemplarLabels.removeSubrange(labelStart...)
            throw error
        }
        finishExemplar(labelsFrom: labelStart, value: value, timestamp: timestamp)
    }

    /// ```
    /// message Metadata {
    ///   MetricType type = 1;
    ///   uint32 help_ref = 3;
    ///   uint32 unit_ref = 4;
    /// }
    /// ```
    /// Kept under the series' `__name__` (skipped for a series without one, or when type, help and unit
    /// are all unset), once per distinct name, type, help and unit in the request.
    mutating func decodeV2Metadata(
        _ range: Range<Int>, seriesLabels: Range<Int>, state: inout V2State
    ) throws(RemoteWriteDecodeError) {
        var metadata = ProtoReader(buffer, range: range)
        var type = 0
        var help = ByteRange.empty
        var unit = ByteRange.empty
        while metadata.hasMore {
            let (field, wireType) = try metadata.readTag()
            switch field {
            case 1:
                try metadata.expect(wireType, WireType.varint, field: field, "type")
                type = Int(truncatingIfNeeded: Int32(truncatingIfNeeded: try metadata.readVarint()))
            case 3:
                try metadata.expect(wireType, WireType.varint, field: field, "help_ref")
                help = try WireMessages.symbolRef(&metadata, state.symbols)
            case 4:
                try metadata.expect(wireType, WireType.varint, field: field, "unit_ref")
                unit = try WireMessages.symbolRef(&metadata, state.symbols)
            default:
                try metadata.skip(wireType: wireType, field: field)
            }
        }
        if type == 0 && help.length == 0 && unit.length == 0 { return }
        guard let name = metricNameValue(in: seriesLabels) else { return }
        let key = V2MetadataKey(name: name, type: type, help: help, unit: unit)
        guard state.metadataSeen.insert(key).inserted else { return }
        output.metadata.append((
            name: string(name),
            metadata: MetricMetadata(type: MetricType(wireValue: type), help: string(help), unit: string(unit))))
    }

    /// The value range of the `__name__` label among `output.labelRefs[refs]`, if present and non-empty.
    func metricNameValue(in refs: Range<Int>) -> ByteRange? {
        for label in output.labelRefs[refs] where label.name.length == 8 && label.value.length > 0 {
            if string(label.name) == Label.metricName { return label.value }
        }
        return nil
    }
}
