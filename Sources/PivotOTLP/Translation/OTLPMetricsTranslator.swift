import PivotModel

/// What translating one export request produced: the series to store, and the points that were not
/// translated with the reasons (answered as `partial_success`).
public struct OTLPTranslationResult: Sendable {
    public var batch: WriteBatch
    /// Data points in the request, of every kind.
    public var dataPoints: Int
    /// Data points not stored, with the first few distinct reasons.
    public var rejectedDataPoints: Int
    public var rejectionReasons: [String]
    /// Whether some series of the batch go by store reference: if the store refuses the batch, the
    /// request should be translated again by labels (`translate(_:now:usingSeriesRefs:)` with false).
    public var usedSeriesRefs = false
    /// Streams written by labels, whose references to remember once the store answers.
    var newStreams = NewStreams()

    public init(batch: WriteBatch = WriteBatch(), dataPoints: Int = 0) {
        self.batch = batch
        self.dataPoints = dataPoints
        self.rejectedDataPoints = 0
        self.rejectionReasons = []
    }

    /// The `partial_success.error_message`: the reasons joined, empty when nothing was rejected.
    public var errorMessage: String { rejectionReasons.joined(separator: "; ") }

    mutating func reject(_ reason: @autoclosure () -> String) {
        reject(1, reason())
    }

    mutating func reject(_ count: Int, _ reason: @autoclosure () -> String) {
        rejectedDataPoints += count
        if rejectionReasons.count < 8 {
            let text = reason()
            if !rejectionReasons.contains(text) { rejectionReasons.append(text) }
        }
    }
}

/// Translates OTLP metrics into Prometheus series, samples, native histograms, exemplars and
/// metadata, following the OpenTelemetry specification's "OTLP Metric points to Prometheus" and what
/// Prometheus's own OTLP receiver does (see `docs/otlp.md` for each rule and where they differ).
///
/// The translator keeps the delta-to-cumulative state, so one instance serves every request.
public final class OTLPMetricsTranslator: Sendable {
    public let options: OTLPTranslationOptions
    let metricNamer: OTLPMetricNamer
    let labelNamer: OTLPLabelNamer
    public let deltas: DeltaToCumulative
    /// Store references of the point streams seen so far.
    public let seriesRefs: SeriesRefCache

    public init(options: OTLPTranslationOptions = .init()) {
        self.options = options
        self.metricNamer = OTLPMetricNamer(strategy: options.strategy)
        self.labelNamer = OTLPLabelNamer(strategy: options.strategy)
        self.deltas = DeltaToCumulative(limits: options.deltaLimits)
        self.seriesRefs = SeriesRefCache(capacity: options.streamCacheSize)
    }

    /// Translates `request`. `now` is the wall clock in milliseconds, used only to expire idle delta state.
    ///
    /// With `usingSeriesRefs`, streams whose series the store already knows go by reference, and the
    /// batch asks the store for the references of the others (pass the answer to `remember`). A request
    /// with delta points never does, so translating it again (after a refused reference) is safe: only
    /// delta conversion has state that a translation changes.
    public func translate(_ request: OTLPMetricsRequest, now: Int64, usingSeriesRefs: Bool = true) -> OTLPTranslationResult {
        var result = OTLPTranslationResult(dataPoints: request.dataPointCount)
        let cache = usingSeriesRefs && seriesRefs.capacity > 0 && !request.hasDeltaPoints ? seriesRefs : nil
        let (series, labelBytes) = request.translationEstimate
        result.batch.reserveCapacity(series: series, labelsPerSeries: 8, bytes: labelBytes)
        let names = LabelNames(labelNamer)
        for resource in request.resourceMetrics {
            let context = ResourceContext(resource, options: options, names: names)
            var timeRange: ClosedRange<Int64>?
            for scope in resource.scopeMetrics {
                var scopeContext = context
                scopeContext.addScopeLabels(scope, options: options, names: names)
                for metric in scope.metrics {
                    var writer = MetricWriter(
                        translator: self, context: scopeContext, names: names, metric: metric, now: now, cache: cache)
                    writer.write(into: &result)
                    if let range = writer.timeRange {
                        timeRange = timeRange.map { min($0.lowerBound, range.lowerBound)...max($0.upperBound, range.upperBound) } ?? range
                    }
                }
            }
            if let timeRange { context.writeTargetInfo(over: timeRange, options: options, into: &result.batch) }
        }
        result.batch.reportsSeriesRefs = !result.newStreams.entries.isEmpty
        return result
    }

    /// Keeps the store's references for the streams `result` wrote by labels. `seriesRefs` is the
    /// `AppendResult.seriesRefs` of `result.batch`.
    public func remember(_ result: OTLPTranslationResult, seriesRefs refs: [UInt64]) {
        seriesRefs.remember(result.newStreams, seriesRefs: refs)
    }
}

extension OTLPMetricsRequest {
    /// Whether a sum or histogram of the request has delta temporality.
    var hasDeltaPoints: Bool {
        for resource in resourceMetrics {
            for scope in resource.scopeMetrics {
                for metric in scope.metrics {
                    switch metric.data {
                    case .sum(let sum) where sum.temporality == .delta: return true
                    case .histogram(let histogram) where histogram.temporality == .delta: return true
                    case .exponentialHistogram(let histogram) where histogram.temporality == .delta: return true
                    default: continue
                    }
                }
            }
        }
        return false
    }

    /// About how many series translation writes (a histogram point is a series per bucket plus
    /// `_sum` and `_count`) and how many label bytes they intern, to size the batch up front.
    var translationEstimate: (series: Int, labelBytes: Int) {
        var series = 0
        var points = 0
        for resource in resourceMetrics {
            for scope in resource.scopeMetrics {
                for metric in scope.metrics {
                    points += metric.data.pointCount
                    switch metric.data {
                    case .histogram(let histogram):
                        for point in histogram.points { series += point.explicitBounds.count + 3 }
                    case .summary(let points):
                        for point in points { series += point.quantileValues.count + 2 }
                    default:
                        series += metric.data.pointCount
                    }
                }
            }
        }
        return (series, points * 96)
    }
}

/// Labels every series of a resource (and scope) carries: `job`, `instance`, promoted resource
/// attributes and scope labels; plus the `target_info` series.
struct ResourceContext {
    /// Labels applied before a data point's own attributes (promoted attributes, scope labels): the
    /// point's attributes win over them.
    var underlay: [Label] = []
    /// Labels applied after the point's attributes (`job`, `instance`): they win.
    var overlay: [Label] = []
    /// Labels of `target_info`, or nil when the resource has nothing worth an info series.
    var targetInfo: [Label]?

    static let serviceName = "service.name"
    static let serviceNamespace = "service.namespace"
    static let serviceInstanceID = "service.instance.id"

    init(_ resource: OTLPResourceMetrics, options: OTLPTranslationOptions, names: LabelNames) {
        var name: String?
        var namespace: String?
        var instance: String?
        for attribute in resource.attributes {
            switch attribute.key {
            case Self.serviceName: name = attribute.value.prometheusString
            case Self.serviceNamespace: namespace = attribute.value.prometheusString
            case Self.serviceInstanceID: instance = attribute.value.prometheusString
            default: break
            }
        }
        if let name, !name.isEmpty {
            let job = namespace.map { $0.isEmpty ? name : "\($0)/\(name)" } ?? name
            overlay.append(Label(name: "job", value: job))
        }
        if let instance, !instance.isEmpty {
            overlay.append(Label(name: "instance", value: instance))
        }
        if !options.promoteResourceAttributes.isEmpty {
            let promoted = Set(options.promoteResourceAttributes)
            let attributes = resource.attributes.filter { promoted.contains($0.key) }
            underlay = LabelBuilder.labels(from: attributes, names: names)
        }
        let identifying: Set<String> = [Self.serviceName, Self.serviceNamespace, Self.serviceInstanceID]
        let others = resource.attributes.filter { !identifying.contains($0.key) }
        if !others.isEmpty, !overlay.isEmpty {
            targetInfo = LabelBuilder.labels(from: others, names: names)
        }
    }

    static let scopeName = "otel_scope_name"
    static let scopeVersion = "otel_scope_version"
    static let scopeSchemaURL = "otel_scope_schema_url"

    /// Scope labels (spec "Instrumentation Scope"): each attribute key gets the `otel_scope_` prefix
    /// *before* the label-name conversion (`_x` → `otel_scope__x`, `2xx` → `otel_scope_2xx`), and an
    /// attribute whose label would be `otel_scope_name`, `_version` or `_schema_url` is dropped.
    mutating func addScopeLabels(_ scope: OTLPScopeMetrics, options: OTLPTranslationOptions, names: LabelNames) {
        guard options.scopeLabels == .on else { return }
        let prefixed = scope.scope.attributes.map { OTLPAttribute(key: "otel_scope_" + $0.key, value: $0.value) }
        let reserved: Set<String> = [Self.scopeName, Self.scopeVersion, Self.scopeSchemaURL]
        underlay.append(contentsOf: LabelBuilder.labels(from: prefixed, names: names).filter { !reserved.contains($0.name) })
        underlay.append(Label(name: Self.scopeName, value: scope.scope.name))
        underlay.append(Label(name: Self.scopeVersion, value: scope.scope.version))
        underlay.append(Label(name: Self.scopeSchemaURL, value: scope.schemaURL))
    }

    /// The label set of a series: underlay, then the point's attributes, then overlay, then `extra`
    /// (`__name__`, `le`, `quantile`), each overriding the ones before it.
    func labels(attributes: [OTLPAttribute], names: LabelNames, extra: [Label]) -> [Label] {
        var all = underlay
        all.append(contentsOf: LabelBuilder.labels(from: attributes, names: names))
        all.append(contentsOf: overlay)
        all.append(contentsOf: extra)
        return LabelBuilder.sortedUnique(all)
    }

    /// `target_info` = 1 from the earliest to the latest point of the resource, every half lookback
    /// delta and at the latest, so an info join finds it at any time in between.
    func writeTargetInfo(over range: ClosedRange<Int64>, options: OTLPTranslationOptions, into batch: inout WriteBatch) {
        guard let targetInfo else { return }
        let labels = Labels(sorted: LabelBuilder.sortedUnique(targetInfo + overlay + [Label(name: Label.metricName, value: "target_info")]))
        let step = max(options.lookbackDeltaMilliseconds / 2, 1)
        var samples: [Sample] = []
        var time = range.lowerBound
        while time < range.upperBound, samples.count < 1_000 {
            samples.append(Sample(timestamp: time, value: 1))
            time += step
        }
        samples.append(Sample(timestamp: range.upperBound, value: 1))
        batch.append(labels: labels, samples: samples)
        batch.metadata.append((name: "target_info", metadata: MetricMetadata(type: .gauge, help: "Target metadata")))
    }
}

/// Translated label names of attribute keys, remembered for the request (a request repeats the same
/// few keys on every point).
final class LabelNames {
    let namer: OTLPLabelNamer
    /// The first keys of the request, searched in order: a request has few distinct keys, and the
    /// decoder hands out one `String` per repeated key, so `==` mostly compares identical storage.
    private var recent: [(key: String, name: String)] = []
    private var cache: [String: String] = [:]
    private static let recentLimit = 16
    /// Arena ranges of translated names already interned into this request's batch.
    private var nameRefs: [(name: String, ref: WriteBatch.ByteRange)] = []

    init(_ namer: OTLPLabelNamer) {
        self.namer = namer
    }

    /// The arena range of `name` in `batch` (this request's), interning it the first time.
    func ref(_ name: String, in batch: inout WriteBatch) -> WriteBatch.ByteRange {
        for entry in nameRefs where entry.name == name { return entry.ref }
        let ref = batch.intern(name)
        if nameRefs.count < 64 { nameRefs.append((name, ref)) }
        return ref
    }

    func name(_ key: String) -> String {
        for entry in recent where entry.key == key { return entry.name }
        if let known = cache[key] { return known }
        let name = namer.labelName(key)
        if recent.count < Self.recentLimit {
            recent.append((key, name))
        } else if cache.count < 4_096 {
            cache[key] = name
        }
        return name
    }
}

/// Attribute lists to labels: names translated, colliding names joined with `;` in key order.
enum LabelBuilder {
    static func labels(from attributes: [OTLPAttribute], names: LabelNames) -> [Label] {
        var labels: [Label] = []
        labels.reserveCapacity(attributes.count)
        var collision = false
        for attribute in attributes where !attribute.key.isEmpty {
            let name = names.name(attribute.key)
            if name.isEmpty { continue }
            if !collision, labels.contains(where: { $0.name == name }) { collision = true }
            labels.append(Label(name: name, value: attribute.value.prometheusString))
        }
        guard collision else { return labels }
        // Keys that map to one label name: values joined in the order of their original keys.
        let ordered = attributes.filter { !$0.key.isEmpty }.sorted { $0.key < $1.key }
        var joined: [String: String] = [:]
        var order: [String] = []
        for attribute in ordered {
            let name = names.name(attribute.key)
            if name.isEmpty { continue }
            let value = attribute.value.prometheusString
            if let existing = joined[name] {
                joined[name] = existing + ";" + value
            } else {
                joined[name] = value
                order.append(name)
            }
        }
        return order.map { Label(name: $0, value: joined[$0]!) }
    }

    /// Labels sorted by name, a later label replacing an earlier one of the same name, empty values
    /// dropped: what `Labels.init` does, by insertion (label sets are small).
    static func sortedUnique(_ labels: [Label]) -> [Label] {
        var out: [Label] = []
        out.reserveCapacity(labels.count)
        for label in labels {
            var index = out.count
            while index > 0, Labels.precedes(label.name, out[index - 1].name) { index -= 1 }
            if index > 0, out[index - 1].name == label.name {
                out[index - 1] = label
            } else {
                out.insert(label, at: index)
            }
        }
        if out.contains(where: { $0.value.isEmpty }) { out.removeAll { $0.value.isEmpty } }
        return out
    }
}

/// Nanoseconds to milliseconds, as Prometheus truncates.
@inline(__always)
func milliseconds(_ unixNano: UInt64) -> Int64 {
    Int64(truncatingIfNeeded: unixNano / 1_000_000)
}
