import PivotModel

/// The state of decoding one request: the reader's buffer, the limits, and the arrays of the batch being
/// built. The protocol-specific walks are in `RequestDecoder+V1.swift` and `RequestDecoder+V2.swift`;
/// the leaf messages in `WireMessages.swift`.
struct RequestDecoder {
    typealias ByteRange = WriteBatch.ByteRange
    typealias LabelRef = WriteBatch.LabelRef

    /// What a decode produces; `RemoteWriteDecoder` wraps it with the body into a `WriteBatch`.
    struct Output {
        var labelRefs: [LabelRef] = []
        var series: [WriteBatch.Series] = []
        var samples: [Sample] = []
        var histograms: [HistogramSample] = []
        var exemplars: [WriteBatch.ExemplarRef] = []
        var metadata: [(name: String, metadata: MetricMetadata)] = []
        var exemplarsDropped = 0
        var sampleStartTimestamps: [Int64] = []
    }

    let buffer: UnsafeRawBufferPointer
    let messages: WireMessages
    let limits: RemoteWriteLimits
    var output = Output()

    /// Labels of the exemplars of the series being decoded; moved behind the series' own labels when the
    /// series ends, so a series' labels stay one contiguous slice whatever the field order on the wire.
    var exemplarLabels: [LabelRef] = []
    /// Exemplars of the series being decoded, with label ranges into `exemplarLabels`.
    var pendingExemplars: [WriteBatch.ExemplarRef] = []

    init(buffer: UnsafeRawBufferPointer, limits: RemoteWriteLimits) {
        self.buffer = buffer
        self.messages = WireMessages(buffer: buffer)
        self.limits = limits
    }

    // MARK: Series bookkeeping

    /// Where the arrays stood when a series started.
    struct SeriesStart {
        var labels: Int
        var samples: Int
        var histograms: Int
    }

    var seriesStart: SeriesStart {
        SeriesStart(labels: output.labelRefs.count, samples: output.samples.count, histograms: output.histograms.count)
    }

    /// Records the series that began at `start`, then moves its pending exemplars behind it.
    mutating func finishSeries(from start: SeriesStart) {
        let labelEnd = output.labelRefs.count
        let exemplarStart = output.exemplars.count
        if !pendingExemplars.isEmpty {
            let shift = output.labelRefs.count
            output.labelRefs.append(contentsOf: exemplarLabels)
            for var exemplar in pendingExemplars {
                exemplar.labels = exemplar.labels.lowerBound + shift..<exemplar.labels.upperBound + shift
                output.exemplars.append(exemplar)
            }
            exemplarLabels.removeAll(keepingCapacity: true)
            pendingExemplars.removeAll(keepingCapacity: true)
        }
        output.series.append(WriteBatch.Series(
            labels: start.labels..<labelEnd, samples: start.samples..<output.samples.count,
            histograms: start.histograms..<output.histograms.count,
            exemplars: exemplarStart..<output.exemplars.count))
    }

    /// Keeps the exemplar whose labels are `exemplarLabels[labelStart...]` unless its label set is too
    /// long or the request already has the most exemplars allowed; a dropped one is counted.
    mutating func finishExemplar(labelsFrom labelStart: Int, value: Double, timestamp: Int64) {
        var runes = 0
        for label in exemplarLabels[labelStart...] {
            runes += messages.runeCount(label.name) + messages.runeCount(label.value)
        }
        let kept = output.exemplars.count + pendingExemplars.count
        if runes > limits.maxExemplarLabelSetLength || kept >= limits.maxExemplarsPerRequest {
            exemplarLabels.removeSubrange(labelStart...)
            output.exemplarsDropped += 1
            return
        }
        pendingExemplars.append(WriteBatch.ExemplarRef(
            labels: labelStart..<exemplarLabels.count, value: value, timestamp: timestamp))
    }

    // MARK: Limits

    /// Appends one label of the series that began at `start`, enforcing the per-series limits.
    @inline(__always)
    mutating func appendSeriesLabel(_ label: LabelRef, seriesFrom start: SeriesStart) throws(RemoteWriteDecodeError) {
        if label.name.length > limits.maxLabelNameLength || label.value.length > limits.maxLabelValueLength
            || output.labelRefs.count - start.labels >= limits.maxLabelsPerSeries
        {
            throw labelLimitError(label, seriesFrom: start)
        }
        output.labelRefs.append(label)
    }

    @inline(never)
    func labelLimitError(_ label: LabelRef, seriesFrom start: SeriesStart) -> RemoteWriteDecodeError {
        let series = seriesText(start.labels..<output.labelRefs.count)
        let offset = Int(label.name.offset)
        if label.name.length > limits.maxLabelNameLength {
            return RemoteWriteDecodeError(
                .limitExceeded,
                "label name \"\(preview(label.name))\" of \(label.name.length) bytes in series \(series) exceeds "
                    + "the limit maxLabelNameLength (\(limits.maxLabelNameLength))", offset: offset)
        }
        if label.value.length > limits.maxLabelValueLength {
            return RemoteWriteDecodeError(
                .limitExceeded,
                "value of label \"\(preview(label.name))\" of \(label.value.length) bytes in series \(series) "
                    + "exceeds the limit maxLabelValueLength (\(limits.maxLabelValueLength))", offset: offset)
        }
        return RemoteWriteDecodeError(
            .limitExceeded,
            "series \(series) has more than \(limits.maxLabelsPerSeries) labels, "
                + "the limit maxLabelsPerSeries", offset: offset)
    }

    @inline(__always)
    mutating func checkSampleLimit(seriesFrom start: SeriesStart, at offset: Int) throws(RemoteWriteDecodeError) {
        if output.samples.count >= limits.maxSamplesPerRequest {
            throw sampleLimitError(seriesFrom: start, at: offset)
        }
    }

    @inline(never)
    func sampleLimitError(seriesFrom start: SeriesStart, at offset: Int) -> RemoteWriteDecodeError {
        RemoteWriteDecodeError(
            .limitExceeded,
            "request has more than \(limits.maxSamplesPerRequest) samples, the limit maxSamplesPerRequest "
                + "(at series \(seriesText(start.labels..<output.labelRefs.count)))", offset: offset)
    }

    @inline(__always)
    mutating func checkHistogramLimit(seriesFrom start: SeriesStart, at offset: Int) throws(RemoteWriteDecodeError) {
        if output.histograms.count >= limits.maxHistogramsPerRequest {
            throw histogramLimitError(seriesFrom: start, at: offset)
        }
    }

    @inline(never)
    func histogramLimitError(seriesFrom start: SeriesStart, at offset: Int) -> RemoteWriteDecodeError {
        RemoteWriteDecodeError(
            .limitExceeded,
            "request has more than \(limits.maxHistogramsPerRequest) histogram samples, the limit "
                + "maxHistogramsPerRequest (at series \(seriesText(start.labels..<output.labelRefs.count)))",
            offset: offset)
    }

    func checkSeriesCount(_ count: Int, at offset: Int) throws(RemoteWriteDecodeError) {
        if count > limits.maxSeriesPerRequest {
            throw RemoteWriteDecodeError(
                .limitExceeded,
                "request has more than \(limits.maxSeriesPerRequest) series, the limit maxSeriesPerRequest",
                offset: offset)
        }
    }

    // MARK: Text for messages

    func string(_ range: ByteRange) -> String {
        let start = Int(range.offset)
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<start + Int(range.length)]), as: UTF8.self)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// At most the first 64 bytes of a range, for messages about overlong names.
    func preview(_ range: ByteRange) -> String {
        let shown = ByteRange(offset: range.offset, length: min(range.length, 64))
        return string(shown) + (range.length > 64 ? "…" : "")
    }

    /// The labels read so far of a series in Prometheus text form, `name{a="b"}`, values cut at 64 bytes.
    func seriesText(_ refs: Range<Int>) -> String {
        Labels(sorted: output.labelRefs[refs].map { Label(name: preview($0.name), value: preview($0.value)) })
            .description
    }
}
