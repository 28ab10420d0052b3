import PivotModel

/// Remote-write 1.0: `prometheus.WriteRequest` (prompb/remote.proto, prompb/types.proto).
extension RequestDecoder {
    /// ```
    /// message WriteRequest {
    ///   repeated prometheus.TimeSeries timeseries = 1;
    ///   reserved 2;
    ///   repeated prometheus.MetricMetadata metadata = 3;
    /// }
    /// ```
    mutating func decodeV1Request() throws(RemoteWriteDecodeError) {
        // First pass: find the series (to check their count and size the arrays) and read the metadata.
        var request = ProtoReader(buffer, range: 0..<buffer.count)
        var seriesRanges: [Range<Int>] = []
        seriesRanges.reserveCapacity(min(request.end / 32, limits.maxSeriesPerRequest) + 1)
        while request.hasMore {
            let at = request.position
            let (field, wireType) = try request.readTag()
            switch field {
            case 1:
                try request.expect(wireType, WireType.lengthDelimited, field: field, "timeseries")
                seriesRanges.append(try request.readLengthDelimited())
                try checkSeriesCount(seriesRanges.count, at: at)
            case 3:
                try request.expect(wireType, WireType.lengthDelimited, field: field, "metadata")
                let range = try request.readLengthDelimited()
                if output.metadata.count >= limits.maxMetadataPerRequest {
                    throw RemoteWriteDecodeError(
                        .limitExceeded,
                        "request has more than \(limits.maxMetadataPerRequest) metadata entries, the limit "
                            + "maxMetadataPerRequest", offset: at)
                }
                do {
                    try decodeV1Metadata(range)
                } catch {
                    throw error.within("cannot read metadata \(output.metadata.count)")
                }
            default:
                try request.skip(wireType: wireType, field: field)
            }
        }
        output.series.reserveCapacity(seriesRanges.count)
        for (index, range) in seriesRanges.enumerated() {
            do {
                try decodeV1TimeSeries(range)
            } catch {
                throw error.within("cannot read timeseries \(index)")
            }
            if index == 0 { reserveLike(firstOf: seriesRanges.count) }
        }
    }

    /// Sizes the label and sample arrays for `count` series shaped like the first one, never beyond what
    /// the body could hold (every label and sample takes at least two bytes), so a crafted first series
    /// cannot make the decoder reserve more than decoding itself could use.
    mutating func reserveLike(firstOf count: Int) {
        guard count > 1, let first = output.series.first else { return }
        let mostItems = buffer.count / 2
        output.labelRefs.reserveCapacity(min(first.labels.count * count, mostItems))
        output.samples.reserveCapacity(min(first.samples.count * count, limits.maxSamplesPerRequest, mostItems))
    }

    /// ```
    /// message TimeSeries {
    ///   repeated Label labels         = 1;
    ///   repeated Sample samples       = 2;
    ///   repeated Exemplar exemplars   = 3;
    ///   repeated Histogram histograms = 4;
    /// }
    /// ```
    mutating func decodeV1TimeSeries(_ range: Range<Int>) throws(RemoteWriteDecodeError) {
        var series = ProtoReader(buffer, range: range)
        let start = seriesStart
        while series.hasMore {
            let (field, wireType) = try series.readTag()
            switch field {
            case 1:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "labels")
                let labelRange = try series.readLengthDelimited()
                let label: LabelRef
                do {
                    label = try messages.decodeV1Label(labelRange)
                } catch {
                    throw error.within("cannot read label \(output.labelRefs.count - start.labels)")
                }
                try appendSeriesLabel(label, seriesFrom: start)
            case 2:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "samples")
                let sampleRange = try series.readLengthDelimited()
                try checkSampleLimit(seriesFrom: start, at: sampleRange.lowerBound)
                do {
                    output.samples.append(try messages.decodeV1Sample(sampleRange))
                } catch {
                    throw error.within("cannot read sample \(output.samples.count - start.samples)")
                }
            case 3:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "exemplars")
                let exemplarRange = try series.readLengthDelimited()
                do {
                    try decodeV1Exemplar(exemplarRange)
                } catch {
                    throw error.within("cannot read exemplar")
                }
            case 4:
                try series.expect(wireType, WireType.lengthDelimited, field: field, "histograms")
                let histogramRange = try series.readLengthDelimited()
                try checkHistogramLimit(seriesFrom: start, at: histogramRange.lowerBound)
                do {
                    output.histograms.append(try messages.decodeHistogram(histogramRange, version: .v1))
                } catch {
                    throw error.within("cannot read histogram \(output.histograms.count - start.histograms)")
                }
            default:
                try series.skip(wireType: wireType, field: field)
            }
        }
        finishSeries(from: start)
    }

    /// ```
    /// message Exemplar {
    ///   repeated Label labels = 1;
    ///   double value = 2;
    ///   int64 timestamp = 3;
    /// }
    /// ```
    mutating func decodeV1Exemplar(_ range: Range<Int>) throws(RemoteWriteDecodeError) {
        var exemplar = ProtoReader(buffer, range: range)
        let labelStart = exemplarLabels.count
        var value = 0.0
        var timestamp: Int64 = 0
        do throws(RemoteWriteDecodeError) {
            while exemplar.hasMore {
                let (field, wireType) = try exemplar.readTag()
                switch field {
                case 1:
                    try exemplar.expect(wireType, WireType.lengthDelimited, field: field, "labels")
                    let labelRange = try exemplar.readLengthDelimited()
                    do {
                        exemplarLabels.append(try messages.decodeV1Label(labelRange))
                    } catch {
                        throw error.within("cannot read label \(exemplarLabels.count - labelStart)")
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
        } catch {
            exemplarLabels.removeSubrange(labelStart...)
            throw error
        }
        finishExemplar(labelsFrom: labelStart, value: value, timestamp: timestamp)
    }

    /// ```
    /// message MetricMetadata {
    ///   MetricType type = 1;
    ///   string metric_family_name = 2;
    ///   string help = 4;
    ///   string unit = 5;
    /// }
    /// ```
    mutating func decodeV1Metadata(_ range: Range<Int>) throws(RemoteWriteDecodeError) {
        var metadata = ProtoReader(buffer, range: range)
        var type = 0
        var name = 0..<0
        var help = 0..<0
        var unit = 0..<0
        while metadata.hasMore {
            let (field, wireType) = try metadata.readTag()
            switch field {
            case 1:
                try metadata.expect(wireType, WireType.varint, field: field, "type")
                type = Int(truncatingIfNeeded: Int32(truncatingIfNeeded: try metadata.readVarint()))
            case 2:
                try metadata.expect(wireType, WireType.lengthDelimited, field: field, "metric_family_name")
                name = try metadata.readLengthDelimited()
            case 4:
                try metadata.expect(wireType, WireType.lengthDelimited, field: field, "help")
                help = try metadata.readLengthDelimited()
            case 5:
                try metadata.expect(wireType, WireType.lengthDelimited, field: field, "unit")
                unit = try metadata.readLengthDelimited()
            default:
                try metadata.skip(wireType: wireType, field: field)
            }
        }
        output.metadata.append((
            name: string(name),
            metadata: MetricMetadata(type: MetricType(wireValue: type), help: string(help), unit: string(unit))))
    }
}
