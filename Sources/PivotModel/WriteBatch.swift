/// The one ingest model every protocol decodes into: series with their samples, native histograms and
/// exemplars, plus metric metadata. One batch is one acknowledged unit: it is appended as a whole.
///
/// Label names and values are not `String`s: they are byte ranges into `bytes`, an arena the decoder
/// fills (for remote-write it is the decompressed request itself), so a hot path that only appends to
/// known series allocates nothing per label. `labels(of:)` materialises a `Labels` when needed.
public struct WriteBatch: Sendable {
    /// A byte range in `bytes`.
    public struct ByteRange: Hashable, Sendable {
        public var offset: UInt32
        public var length: UInt32
        public init(offset: UInt32, length: UInt32) {
            self.offset = offset
            self.length = length
        }
        public static let empty = ByteRange(offset: 0, length: 0)
    }

    /// One label of a series or an exemplar, as two ranges.
    public struct LabelRef: Hashable, Sendable {
        public var name: ByteRange
        public var value: ByteRange
        public init(name: ByteRange, value: ByteRange) {
            self.name = name
            self.value = value
        }
    }

    /// One series of the batch: slices of `labelRefs`, `samples`, `histograms`, `exemplars`.
    public struct Series: Sendable {
        public var labels: Range<Int>
        public var samples: Range<Int>
        public var histograms: Range<Int>
        public var exemplars: Range<Int>
        /// A reference the store handed out for this series earlier (`AppendResult.seriesRefs`), like
        /// Prometheus's `storage.SeriesRef`; 0 for none. A series with a reference has no labels: the
        /// store finds it by the reference alone, and refuses the batch with `unknownSeriesReference`
        /// when the reference is no longer valid.
        public var seriesRef: UInt64
        public init(labels: Range<Int>, samples: Range<Int>, histograms: Range<Int>, exemplars: Range<Int>, seriesRef: UInt64 = 0) {
            self.labels = labels
            self.samples = samples
            self.histograms = histograms
            self.exemplars = exemplars
            self.seriesRef = seriesRef
        }
    }

    /// An exemplar whose labels are a slice of `labelRefs`.
    public struct ExemplarRef: Sendable {
        public var labels: Range<Int>
        public var value: Double
        public var timestamp: Int64
        public init(labels: Range<Int>, value: Double, timestamp: Int64) {
            self.labels = labels
            self.value = value
            self.timestamp = timestamp
        }
    }

    public var bytes: [UInt8]
    public var labelRefs: [LabelRef]
    public var series: [Series]
    public var samples: [Sample]
    public var histograms: [HistogramSample]
    public var exemplars: [ExemplarRef]
    /// Metadata by metric family name.
    public var metadata: [(name: String, metadata: MetricMetadata)]
    /// Whether the store should answer with a reference for every series (`AppendResult.seriesRefs`),
    /// for a sender that sends the same series again and keeps references to skip their labels.
    public var reportsSeriesRefs = false

    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
        labelRefs = []
        series = []
        samples = []
        histograms = []
        exemplars = []
        metadata = []
    }

    public var isEmpty: Bool { series.isEmpty && metadata.isEmpty }

    // MARK: Reading

    public func string(_ range: ByteRange) -> String {
        let start = Int(range.offset)
        return String(decoding: bytes[start..<start + Int(range.length)], as: UTF8.self)
    }

    /// Materialises the labels of a slice of `labelRefs`, in the order they are stored.
    public func labels(_ refs: Range<Int>) -> Labels {
        Labels(sorted: labelRefs[refs].map { Label(name: string($0.name), value: string($0.value)) })
    }

    public func labels(of series: Series) -> Labels { labels(series.labels) }

    public func exemplar(_ ref: ExemplarRef) -> Exemplar {
        Exemplar(labels: labels(ref.labels), value: ref.value, timestamp: ref.timestamp)
    }

    /// Calls `body` with the bytes of a range without copying.
    @inlinable
    public func withBytes<R>(_ range: ByteRange, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[Int(range.offset)..<Int(range.offset) + Int(range.length)]))
        }
    }

    // MARK: Building (for decoders that construct labels, such as OTLP translation)

    /// Reserves room for about `series` series of one sample each with `labelsPerSeries` labels, and
    /// `bytes` arena bytes, so a builder that knows its size does not copy the arrays as they grow.
    public mutating func reserveCapacity(series count: Int, labelsPerSeries: Int, bytes byteCount: Int) {
        series.reserveCapacity(series.count + count)
        samples.reserveCapacity(samples.count + count)
        labelRefs.reserveCapacity(labelRefs.count + count * labelsPerSeries)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    /// Appends `string` to the arena and returns its range.
    public mutating func intern(_ string: String) -> ByteRange {
        let offset = UInt32(bytes.count)
        bytes.append(contentsOf: string.utf8)
        return ByteRange(offset: offset, length: UInt32(bytes.count) - offset)
    }

    /// Appends a label's name and value to the arena.
    public mutating func intern(_ label: Label) -> LabelRef {
        LabelRef(name: intern(label.name), value: intern(label.value))
    }

    /// Appends a series built from `labels` (which must be sorted and unique) with its data.
    public mutating func append(
        labels: Labels, samples newSamples: [Sample] = [], histograms newHistograms: [HistogramSample] = [],
        exemplars newExemplars: [Exemplar] = []
    ) {
        let labelStart = labelRefs.count
        for label in labels {
            labelRefs.append(intern(label))
        }
        appendSeries(labels: labelStart..<labelRefs.count, newSamples, newHistograms, newExemplars)
    }

    /// Appends a series whose labels are already in the arena: `refs` must be sorted by name, unique
    /// and non-empty. Builders that write many series sharing labels (histogram buckets) intern each
    /// label once and reuse its ranges.
    public mutating func append(
        labelRefs refs: [LabelRef], samples newSamples: [Sample] = [], histograms newHistograms: [HistogramSample] = [],
        exemplars newExemplars: [Exemplar] = []
    ) {
        let labelStart = labelRefs.count
        labelRefs.append(contentsOf: refs)
        appendSeries(labels: labelStart..<labelRefs.count, newSamples, newHistograms, newExemplars)
    }

    /// `append(labels:samples:)` for the common series of one float sample, without an array.
    public mutating func append(labels: Labels, sample: Sample, exemplars newExemplars: [Exemplar] = []) {
        let labelStart = labelRefs.count
        for label in labels {
            labelRefs.append(intern(label))
        }
        samples.append(sample)
        appendSeries(labels: labelStart..<labelRefs.count, samples: (samples.count - 1)..<samples.count, [], newExemplars)
    }

    /// A series of one float sample whose label refs `write` appends to `labelRefs` directly (sorted by
    /// name, unique, non-empty), so builders need no array of their own per series.
    public mutating func append(
        sample: Sample, exemplars newExemplars: [Exemplar] = [], labels write: (inout [LabelRef]) -> Void
    ) {
        let labelStart = labelRefs.count
        write(&labelRefs)
        samples.append(sample)
        appendSeries(labels: labelStart..<labelRefs.count, samples: (samples.count - 1)..<samples.count, [], newExemplars)
    }

    /// A series of one float sample known by a store reference (`Series.seriesRef`), without labels.
    public mutating func append(seriesRef: UInt64, sample: Sample, exemplars newExemplars: [Exemplar] = []) {
        samples.append(sample)
        appendSeries(labels: labelRefs.count..<labelRefs.count, samples: (samples.count - 1)..<samples.count, [], newExemplars)
        series[series.count - 1].seriesRef = seriesRef
    }

    /// `append(labelRefs:samples:)` for the common series of one float sample, without an array.
    public mutating func append(labelRefs refs: [LabelRef], sample: Sample, exemplars newExemplars: [Exemplar] = []) {
        let labelStart = labelRefs.count
        labelRefs.append(contentsOf: refs)
        samples.append(sample)
        appendSeries(labels: labelStart..<labelRefs.count, samples: (samples.count - 1)..<samples.count, [], newExemplars)
    }

    private mutating func appendSeries(
        labels labelRange: Range<Int>, _ newSamples: [Sample], _ newHistograms: [HistogramSample], _ newExemplars: [Exemplar]
    ) {
        let sampleStart = samples.count
        samples.append(contentsOf: newSamples)
        appendSeries(labels: labelRange, samples: sampleStart..<samples.count, newHistograms, newExemplars)
    }

    private mutating func appendSeries(
        labels labelRange: Range<Int>, samples sampleRange: Range<Int>, _ newHistograms: [HistogramSample],
        _ newExemplars: [Exemplar]
    ) {
        let histogramStart = histograms.count
        histograms.append(contentsOf: newHistograms)
        let exemplarStart = exemplars.count
        for exemplar in newExemplars {
            let start = labelRefs.count
            for label in exemplar.labels {
                labelRefs.append(intern(label))
            }
            exemplars.append(ExemplarRef(labels: start..<labelRefs.count, value: exemplar.value, timestamp: exemplar.timestamp))
        }
        series.append(Series(
            labels: labelRange, samples: sampleRange,
            histograms: histogramStart..<histograms.count, exemplars: exemplarStart..<exemplars.count))
    }
}
