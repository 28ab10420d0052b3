import PivotModel

/// Writes the series of one OTLP metric into a batch: gauges and sums as float series, explicit-bucket
/// histograms as `_bucket`/`_sum`/`_count`, exponential histograms as native histograms, summaries as
/// `{quantile}` series plus `_sum`/`_count`. Delta points go through `DeltaToCumulative` first.
struct MetricWriter {
    let translator: OTLPMetricsTranslator
    let context: ResourceContext
    let names: LabelNames
    let metric: OTLPMetric
    let now: Int64
    /// Where streams' store references are kept; nil when this request goes by labels only.
    let cache: SeriesRefCache?
    /// Earliest and latest point time written, in milliseconds (for `target_info`).
    private(set) var timeRange: ClosedRange<Int64>?
    /// Arena ranges of the histogram's label names and `le` values, interned once per metric.
    private var histogramRefs: HistogramRefs?
    /// The histogram's streams the store knows (cumulative histograms, when the request uses references).
    private var histogramStreams: KnownStreams?

    init(
        translator: OTLPMetricsTranslator, context: ResourceContext, names: LabelNames, metric: OTLPMetric, now: Int64,
        cache: SeriesRefCache?
    ) {
        self.translator = translator
        self.context = context
        self.names = names
        self.metric = metric
        self.now = now
        self.cache = cache
    }

    mutating func write(into result: inout OTLPTranslationResult) {
        let count = metric.data.pointCount
        guard count > 0 else { return }
        guard !metric.name.isEmpty else {
            result.reject(count, "a metric has no name")
            return
        }
        switch metric.data {
        case .none:
            return
        case .gauge(let points):
            let name = translator.metricNamer.metricName(name: metric.name, unit: metric.unit, shape: .gauge)
            addMetadata(name, .gauge, into: &result.batch)
            writeNumbers(points, name: name, delta: false, keepExemplars: false, into: &result)
        case .sum(let sum):
            let shape: OTLPMetricShape = sum.isMonotonic ? .counter : .nonMonotonicSum
            guard let delta = accepts(sum.temporality, points: sum.points.count, into: &result) else { return }
            let name = translator.metricNamer.metricName(name: metric.name, unit: metric.unit, shape: shape)
            addMetadata(name, sum.isMonotonic ? .counter : .gauge, into: &result.batch)
            writeNumbers(sum.points, name: name, delta: delta, keepExemplars: true, into: &result)
        case .histogram(let histogram):
            guard let delta = accepts(histogram.temporality, points: histogram.points.count, into: &result) else { return }
            let name = translator.metricNamer.metricName(name: metric.name, unit: metric.unit, shape: .histogram)
            addMetadata(name, .histogram, into: &result.batch)
            if !delta, let cache {
                histogramStreams = KnownStreams(cache, metricKey: StreamKeys.metric(context: context, name: name, shape: .histogram))
            }
            for point in histogram.points { writeHistogram(point, name: name, delta: delta, into: &result) }
        case .exponentialHistogram(let histogram):
            guard let delta = accepts(histogram.temporality, points: histogram.points.count, into: &result) else { return }
            let name = translator.metricNamer.metricName(name: metric.name, unit: metric.unit, shape: .exponentialHistogram)
            addMetadata(name, .histogram, into: &result.batch)
            for point in histogram.points { writeExponential(point, name: name, delta: delta, into: &result) }
        case .summary(let points):
            let name = translator.metricNamer.metricName(name: metric.name, unit: metric.unit, shape: .summary)
            addMetadata(name, .summary, into: &result.batch)
            for point in points { writeSummary(point, name: name, into: &result) }
        }
    }

    /// Whether points of this temporality are stored: `false` for cumulative, `true` for delta when
    /// conversion is on; nil (and the points rejected) otherwise.
    private func accepts(_ temporality: OTLPTemporality, points: Int, into result: inout OTLPTranslationResult) -> Bool? {
        switch temporality {
        case .cumulative:
            return false
        case .delta where translator.options.deltaConversion == .toCumulative:
            return true
        case .delta:
            result.reject(points, "metric \"\(metric.name)\" has delta temporality, which is not stored when --otlp.delta-conversion=false")
            return nil
        case .unspecified:
            result.reject(points, "metric \"\(metric.name)\" has no aggregation temporality")
            return nil
        }
    }

    private func addMetadata(_ name: String, _ type: MetricType, into batch: inout WriteBatch) {
        let unit = translator.metricNamer.metadataUnit(metric.unit)
        batch.metadata.append((name: name, metadata: MetricMetadata(type: type, help: metric.description, unit: unit)))
    }

    private mutating func note(_ time: Int64) {
        timeRange = timeRange.map { min($0.lowerBound, time)...max($0.upperBound, time) } ?? time...time
    }

    private func isStale(_ flags: UInt32) -> Bool { flags & OTLPDataPointFlags.noRecordedValue != 0 }

    // MARK: Gauges and sums

    private mutating func writeNumbers(
        _ points: [OTLPNumberPoint], name: String, delta: Bool, keepExemplars: Bool, into result: inout OTLPTranslationResult
    ) {
        let extra = [Label(name: Label.metricName, value: name)]
        // Cumulative points of a resource without promoted or scope labels take the fast path: the
        // resource's labels and the metric name are interned once, each point's attributes merged in.
        let fixed: FixedLabels? = delta || !context.underlay.isEmpty ? nil : FixedLabels(context.overlay + extra, into: &result.batch)
        var scratch = PointLabels()
        // Streams whose series the store already knows go by reference (`SeriesRefCache`).
        var streams = delta ? nil : cache.map { KnownStreams($0, metricKey: StreamKeys.metric(context: context, name: name, shape: .number)) }
        for point in points {
            let time = milliseconds(point.timeUnixNano)
            let firstSeries = result.batch.series.count
            if let refs = streams?.find(point.attributes) {
                note(time)
                let value = isStale(point.flags) ? StaleMarker.value : point.value.doubleValue
                let exemplars = keepExemplars ? ExemplarConversion.exemplars(point.exemplars, names: names) : []
                result.batch.append(seriesRef: refs[0], sample: Sample(timestamp: time, value: value), exemplars: exemplars)
                result.usedSeriesRefs = true
                continue
            }
            defer { streams?.recordMiss(series: firstSeries..<result.batch.series.count, into: &result.newStreams) }
            if let fixed, scratch.collect(point.attributes, names: names, fixed: fixed) {
                note(time)
                let value = isStale(point.flags) ? StaleMarker.value : point.value.doubleValue
                let exemplars = keepExemplars ? ExemplarConversion.exemplars(point.exemplars, names: names) : []
                scratch.intern(names: names, into: &result.batch)
                result.batch.append(sample: Sample(timestamp: time, value: value), exemplars: exemplars) { out in
                    scratch.merge(with: fixed, into: &out)
                }
                continue
            }
            let labels = Labels(sorted: context.labels(attributes: point.attributes, names: names, extra: extra))
            var value = point.value.doubleValue
            if isStale(point.flags) {
                value = StaleMarker.value
                if delta { translator.deltas.end(labels) }
            } else if delta {
                switch translator.deltas.add(
                    .number(value), to: labels, startTimeUnixNano: point.startTimeUnixNano,
                    timeUnixNano: point.timeUnixNano, now: now)
                {
                case .cumulative(.number(let total), _): value = total
                case .cumulative: break
                case .rejected(let reason):
                    result.reject(reason)
                    continue
                }
            }
            note(time)
            let exemplars = keepExemplars ? ExemplarConversion.exemplars(point.exemplars, names: names) : []
            result.batch.append(labels: labels, sample: Sample(timestamp: time, value: value), exemplars: exemplars)
        }
    }

    /// A number point's own labels on the fast path, in a buffer reused from point to point: names
    /// translated (and interned once per request), values interned, sorted by name. `collect` refuses
    /// what the general path must handle: two keys with one label name (their values are joined), or
    /// a label that would override a fixed one.
    struct PointLabels {
        private var names: [String] = []
        private var values: [String] = []
        private var refs: [WriteBatch.LabelRef] = []

        mutating func collect(_ attributes: [OTLPAttribute], names labelNames: LabelNames, fixed: FixedLabels) -> Bool {
            names.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            for attribute in attributes where !attribute.key.isEmpty {
                let name = labelNames.name(attribute.key)
                if name.isEmpty { continue }
                if names.contains(name) { return false }
                // Insertion by name: a point has a handful of attributes.
                var position = names.count
                while position > 0, Labels.precedes(name, names[position - 1]) { position -= 1 }
                names.insert(name, at: position)
                values.insert(attribute.value.prometheusString, at: position)
            }
            if values.contains(where: \.isEmpty) {
                for index in values.indices.reversed() where values[index].isEmpty {
                    names.remove(at: index)
                    values.remove(at: index)
                }
            }
            for name in names where fixed.labels.contains(where: { $0.name == name }) { return false }
            return true
        }

        mutating func intern(names labelNames: LabelNames, into batch: inout WriteBatch) {
            refs.removeAll(keepingCapacity: true)
            for index in names.indices {
                refs.append(WriteBatch.LabelRef(name: labelNames.ref(names[index], in: &batch), value: batch.intern(values[index])))
            }
        }

        /// These labels and the fixed ones, merged by name, into `out`.
        func merge(with fixed: FixedLabels, into out: inout [WriteBatch.LabelRef]) {
            var i = 0
            var j = 0
            while i < names.count || j < fixed.labels.count {
                if j == fixed.labels.count || (i < names.count && Labels.precedes(names[i], fixed.labels[j].name)) {
                    out.append(refs[i])
                    i += 1
                } else {
                    out.append(fixed.refs[j])
                    j += 1
                }
            }
        }
    }

    /// Labels every series of a metric in one resource carries (`job`, `instance`, `__name__`), sorted
    /// and interned once; a point's own labels (`PointLabels`) are merged in when none of them has one
    /// of these names.
    struct FixedLabels {
        let labels: [Label]
        let refs: [WriteBatch.LabelRef]

        init(_ labels: [Label], into batch: inout WriteBatch) {
            self.labels = LabelBuilder.sortedUnique(labels)
            self.refs = self.labels.map { batch.intern($0) }
        }
    }

    // MARK: Explicit-bucket histograms

    /// The label names and values every bucket series of a metric shares, interned once.
    struct HistogramRefs {
        var metricName: WriteBatch.ByteRange
        var le: WriteBatch.ByteRange
        var bucketName: WriteBatch.ByteRange
        var sumName: WriteBatch.ByteRange
        var countName: WriteBatch.ByteRange
        var infinity: WriteBatch.ByteRange
        var bounds: [Double] = []
        var boundValues: [WriteBatch.ByteRange] = []
    }

    private mutating func writeHistogram(
        _ point: OTLPHistogramPoint, name: String, delta: Bool, into result: inout OTLPTranslationResult
    ) {
        guard point.bucketCounts.isEmpty || point.bucketCounts.count == point.explicitBounds.count + 1 else {
            result.reject(
                "histogram \"\(metric.name)\" has \(point.bucketCounts.count) bucket counts for "
                    + "\(point.explicitBounds.count) bounds (expected bounds + 1)")
            return
        }
        let stale = isStale(point.flags)
        // The store's references of this stream's series, when it knows them (never for delta points).
        let knownRefs = delta ? nil : histogramStreams?.find(point.attributes, suffix: HistogramValues.keySuffix(point, stale: stale))
        let base = knownRefs != nil ? [] : context.labels(attributes: point.attributes, names: names, extra: []).filter {
            $0.name != Label.metricName && $0.name != "le"
        }
        var count = Double(point.count)
        var sum = point.sum
        var buckets = point.bucketCounts
        if delta {
            let key = Labels(sorted: LabelBuilder.sortedUnique(base + [Label(name: Label.metricName, value: name)]))
            if stale {
                if delta { translator.deltas.end(key) }
            } else {
                let value = DeltaToCumulative.Value.histogram(
                    count: point.count, sum: point.sum ?? 0, bounds: point.explicitBounds, buckets: point.bucketCounts)
                switch translator.deltas.add(
                    value, to: key, startTimeUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano, now: now)
                {
                case .cumulative(.histogram(let totalCount, let totalSum, _, let totalBuckets), _):
                    count = Double(totalCount)
                    sum = point.sum == nil ? nil : totalSum
                    buckets = totalBuckets
                case .cumulative: break
                case .rejected(let reason):
                    result.reject(reason)
                    return
                }
            }
        }
        let time = milliseconds(point.timeUnixNano)
        note(time)
        // Exemplars sorted by value, each on the first bucket whose bound is at least its value.
        var exemplars = stale ? [] : ExemplarConversion.exemplars(point.exemplars, names: names)
        exemplars.sort { $0.value < $1.value }
        let values = HistogramValues(
            time: time, stale: stale, count: count, sum: sum, buckets: buckets, bounds: point.explicitBounds, exemplars: exemplars)

        // A stream whose series the store knows: its series by reference, in the order they were written.
        if let seriesRefs = knownRefs {
            var next = 0
            values.forEachSeries { _, sample, exemplars in
                if next < seriesRefs.count { result.batch.append(seriesRef: seriesRefs[next], sample: sample, exemplars: exemplars) }
                next += 1
            }
            result.usedSeriesRefs = true
            return
        }
        let firstSeries = result.batch.series.count
        defer { histogramStreams?.recordMiss(series: firstSeries..<result.batch.series.count, into: &result.newStreams) }

        var refs = histogramRefs ?? HistogramRefs(
            metricName: result.batch.intern(Label.metricName), le: result.batch.intern("le"),
            bucketName: result.batch.intern(name + "_bucket"), sumName: result.batch.intern(name + "_sum"),
            countName: result.batch.intern(name + "_count"), infinity: result.batch.intern("+Inf"))
        if refs.bounds != point.explicitBounds {
            refs.bounds = point.explicitBounds
            refs.boundValues = point.explicitBounds.map { result.batch.intern(GoFloatFormat.fixed($0)) }
        }
        histogramRefs = refs
        // The point's own labels, interned once, with `__name__` and `le` at their sorted positions:
        // one label list per point, whose name and `le` values are set for each series in turn.
        let nameAt = base.firstIndex { Labels.precedes(Label.metricName, $0.name) } ?? base.count
        let leAt = base.firstIndex { Labels.precedes("le", $0.name) } ?? base.count
        var bucketLabels: [WriteBatch.LabelRef] = []
        var otherLabels: [WriteBatch.LabelRef] = []
        bucketLabels.reserveCapacity(base.count + 2)
        otherLabels.reserveCapacity(base.count + 1)
        for (index, label) in base.enumerated() {
            if index == nameAt {
                bucketLabels.append(WriteBatch.LabelRef(name: refs.metricName, value: refs.bucketName))
                otherLabels.append(WriteBatch.LabelRef(name: refs.metricName, value: refs.sumName))
            }
            if index == leAt { bucketLabels.append(WriteBatch.LabelRef(name: refs.le, value: refs.infinity)) }
            let ref = result.batch.intern(label)
            bucketLabels.append(ref)
            otherLabels.append(ref)
        }
        if nameAt == base.count {
            bucketLabels.append(WriteBatch.LabelRef(name: refs.metricName, value: refs.bucketName))
            otherLabels.append(WriteBatch.LabelRef(name: refs.metricName, value: refs.sumName))
        }
        if leAt == base.count { bucketLabels.append(WriteBatch.LabelRef(name: refs.le, value: refs.infinity)) }
        let leIndex = leAt + 1  // `__name__` sorts before `le`, so it is always in front of it
        let nameIndex = nameAt

        values.forEachSeries { series, sample, exemplars in
            switch series {
            case .bucket(let index):
                bucketLabels[leIndex].value = refs.boundValues[index]
                result.batch.append(labelRefs: bucketLabels, sample: sample, exemplars: exemplars)
            case .infinity:
                bucketLabels[leIndex].value = refs.infinity
                result.batch.append(labelRefs: bucketLabels, sample: sample, exemplars: exemplars)
            case .sum:
                otherLabels[nameIndex].value = refs.sumName
                result.batch.append(labelRefs: otherLabels, sample: sample)
            case .count:
                otherLabels[nameIndex].value = refs.countName
                result.batch.append(labelRefs: otherLabels, sample: sample)
            }
        }
    }

    /// One histogram point's values, in the series the translation writes for it.
    struct HistogramValues {
        enum Series {
            case bucket(Int)
            case infinity
            case sum
            case count
        }

        var time: Int64
        var stale: Bool
        var count: Double
        var sum: Double?
        var buckets: [UInt64]
        var bounds: [Double]
        /// Sorted by value.
        var exemplars: [Exemplar]

        /// Calls `body` for each series in order: `_bucket` per bound (when there are bucket counts),
        /// `_bucket{le="+Inf"}`, `_sum` (when set, or for a stale point), `_count`. An exemplar goes to
        /// the first bucket whose bound is at least its value, or to `+Inf`.
        func forEachSeries(_ body: (Series, Sample, [Exemplar]) -> Void) {
            func sample(_ value: Double) -> Sample { Sample(timestamp: time, value: stale ? StaleMarker.value : value) }
            var nextExemplar = 0
            var cumulative: UInt64 = 0
            for (index, bound) in bounds.enumerated() where index < buckets.count {
                cumulative &+= buckets[index]
                var assigned: [Exemplar] = []
                while nextExemplar < exemplars.count, exemplars[nextExemplar].value <= bound {
                    assigned.append(exemplars[nextExemplar])
                    nextExemplar += 1
                }
                body(.bucket(index), sample(Double(cumulative)), assigned)
            }
            body(.infinity, sample(count), nextExemplar < exemplars.count ? Array(exemplars[nextExemplar...]) : [])
            if sum != nil || stale { body(.sum, sample(sum ?? 0), []) }
            body(.count, sample(count), [])
        }

        /// What, besides the attributes, decides which series a point becomes: whether `_sum` is
        /// written, whether there are bucket series, and the bounds (bit patterns).
        static func keySuffix(_ point: OTLPHistogramPoint, stale: Bool) -> (inout [UInt8]) -> Void {
            { key in
                key.append((point.sum != nil || stale ? 1 : 0) | (point.bucketCounts.isEmpty ? 2 : 0))
                StreamKeys.appendCount(point.explicitBounds.count, into: &key)
                for bound in point.explicitBounds { StreamKeys.appendWord(bound.bitPattern, into: &key) }
            }
        }
    }

    // MARK: Summaries

    private mutating func writeSummary(_ point: OTLPSummaryPoint, name: String, into result: inout OTLPTranslationResult) {
        let base = Labels(sorted: context.labels(attributes: point.attributes, names: names, extra: []))
        let time = milliseconds(point.timeUnixNano)
        note(time)
        let stale = isStale(point.flags)
        func value(_ v: Double) -> [Sample] { [Sample(timestamp: time, value: stale ? StaleMarker.value : v)] }
        for quantile in point.quantileValues {
            let labels = base.setting(Label.metricName, to: name).setting("quantile", to: GoFloatFormat.fixed(quantile.quantile))
            result.batch.append(labels: labels, samples: value(quantile.value))
        }
        result.batch.append(labels: base.setting(Label.metricName, to: name + "_sum"), samples: value(point.sum))
        result.batch.append(labels: base.setting(Label.metricName, to: name + "_count"), samples: value(Double(point.count)))
    }

    // MARK: Exponential histograms

    private mutating func writeExponential(
        _ point: OTLPExponentialHistogramPoint, name: String, delta: Bool, into result: inout OTLPTranslationResult
    ) {
        guard point.scale >= NativeHistogramConversion.minimumScale else {
            result.reject(
                "exponential histogram \"\(metric.name)\" has scale \(point.scale), below the smallest Prometheus schema -4")
            return
        }
        let labels = Labels(sorted: context.labels(
            attributes: point.attributes, names: names, extra: [Label(name: Label.metricName, value: name)]))
        let time = milliseconds(point.timeUnixNano)
        var total = NativeHistogramConversion.total(of: point)
        let start: UInt64
        if isStale(point.flags) {
            if delta { translator.deltas.end(labels) }
            note(time)
            result.batch.append(labels: labels, histograms: [NativeHistogramConversion.staleHistogram(at: time)])
            return
        } else if delta {
            switch translator.deltas.add(
                .exponential(total), to: labels, startTimeUnixNano: point.startTimeUnixNano,
                timeUnixNano: point.timeUnixNano, now: now)
            {
            case .cumulative(.exponential(let sum), let streamStart):
                total = sum
                start = streamStart
            case .cumulative(_, let streamStart):
                start = streamStart
            case .rejected(let reason):
                result.reject(reason)
                return
            }
        } else {
            start = point.startTimeUnixNano
        }
        note(time)
        let histogram = NativeHistogramConversion.histogram(total, timestamp: time, startTimestamp: milliseconds(start))
        let exemplars = ExemplarConversion.exemplars(point.exemplars, names: names)
        result.batch.append(labels: labels, histograms: [histogram], exemplars: exemplars)
    }
}
