/// The OTLP metrics data model as Pivot reads it: what `ExportMetricsServiceRequest` carries, decoded
/// from protobuf (`OTLPMetricsProtobufDecoder`) or JSON (`OTLPMetricsJSONDecoder`) into the same values,
/// then translated to Prometheus series by `OTLPMetricsTranslator`. Times are nanoseconds since the
/// Unix epoch, as on the wire; ids are raw bytes (16 for a trace id, 8 for a span id, or empty).
public struct OTLPMetricsRequest: Hashable, Sendable {
    public var resourceMetrics: [OTLPResourceMetrics]

    public init(resourceMetrics: [OTLPResourceMetrics] = []) {
        self.resourceMetrics = resourceMetrics
    }

    /// Data points in the request, of every kind (what `rejected_data_points` counts).
    public var dataPointCount: Int {
        resourceMetrics.reduce(0) { total, resource in
            total + resource.scopeMetrics.reduce(0) { sum, scope in
                sum + scope.metrics.reduce(0) { $0 + $1.data.pointCount }
            }
        }
    }
}

/// `ResourceMetrics`: the resource (its attributes) and the metrics of each instrumentation scope.
public struct OTLPResourceMetrics: Hashable, Sendable {
    public var attributes: [OTLPAttribute]
    public var scopeMetrics: [OTLPScopeMetrics]
    public var schemaURL: String

    public init(attributes: [OTLPAttribute] = [], scopeMetrics: [OTLPScopeMetrics] = [], schemaURL: String = "") {
        self.attributes = attributes
        self.scopeMetrics = scopeMetrics
        self.schemaURL = schemaURL
    }
}

/// `ScopeMetrics`: an instrumentation scope and its metrics.
public struct OTLPScopeMetrics: Hashable, Sendable {
    public var scope: OTLPScope
    public var metrics: [OTLPMetric]
    public var schemaURL: String

    public init(scope: OTLPScope = OTLPScope(), metrics: [OTLPMetric] = [], schemaURL: String = "") {
        self.scope = scope
        self.metrics = metrics
        self.schemaURL = schemaURL
    }
}

/// `InstrumentationScope`.
public struct OTLPScope: Hashable, Sendable {
    public var name: String
    public var version: String
    public var attributes: [OTLPAttribute]

    public init(name: String = "", version: String = "", attributes: [OTLPAttribute] = []) {
        self.name = name
        self.version = version
        self.attributes = attributes
    }
}

/// `Metric`: name, description, unit and one kind of data.
public struct OTLPMetric: Hashable, Sendable {
    public var name: String
    public var description: String
    public var unit: String
    public var data: OTLPMetricData

    public init(name: String, description: String = "", unit: String = "", data: OTLPMetricData) {
        self.name = name
        self.description = description
        self.unit = unit
        self.data = data
    }
}

/// The `data` oneof of `Metric`; `none` when a metric carries no data (it is then skipped).
public enum OTLPMetricData: Hashable, Sendable {
    case none
    case gauge([OTLPNumberPoint])
    case sum(OTLPSum)
    case histogram(OTLPHistogram)
    case exponentialHistogram(OTLPExponentialHistogram)
    case summary([OTLPSummaryPoint])

    public var pointCount: Int {
        switch self {
        case .none: 0
        case .gauge(let points): points.count
        case .sum(let sum): sum.points.count
        case .histogram(let histogram): histogram.points.count
        case .exponentialHistogram(let histogram): histogram.points.count
        case .summary(let points): points.count
        }
    }
}

/// `AggregationTemporality`; values outside the enum decode as `.unspecified`.
public enum OTLPTemporality: Int, Hashable, Sendable {
    case unspecified = 0
    case delta = 1
    case cumulative = 2

    public init(wireValue: UInt64) {
        self = OTLPTemporality(rawValue: Int(truncatingIfNeeded: wireValue)) ?? .unspecified
    }
}

public struct OTLPSum: Hashable, Sendable {
    public var points: [OTLPNumberPoint]
    public var temporality: OTLPTemporality
    public var isMonotonic: Bool

    public init(points: [OTLPNumberPoint], temporality: OTLPTemporality, isMonotonic: Bool) {
        self.points = points
        self.temporality = temporality
        self.isMonotonic = isMonotonic
    }
}

public struct OTLPHistogram: Hashable, Sendable {
    public var points: [OTLPHistogramPoint]
    public var temporality: OTLPTemporality

    public init(points: [OTLPHistogramPoint], temporality: OTLPTemporality) {
        self.points = points
        self.temporality = temporality
    }
}

public struct OTLPExponentialHistogram: Hashable, Sendable {
    public var points: [OTLPExponentialHistogramPoint]
    public var temporality: OTLPTemporality

    public init(points: [OTLPExponentialHistogramPoint], temporality: OTLPTemporality) {
        self.points = points
        self.temporality = temporality
    }
}

/// `DataPointFlags`.
public enum OTLPDataPointFlags {
    /// The point marks that the series has no value any more (Prometheus: a stale marker).
    public static let noRecordedValue: UInt32 = 1
}

/// The value oneof of `NumberDataPoint` and `Exemplar`; `none` when neither `as_double` nor `as_int` is set.
public enum OTLPNumber: Hashable, Sendable {
    case none
    case double(Double)
    case int(Int64)

    /// The value as a float (ints are converted, `none` is 0, as Prometheus's translator does).
    public var doubleValue: Double {
        switch self {
        case .none: 0
        case .double(let value): value
        case .int(let value): Double(value)
        }
    }
}

/// `NumberDataPoint` (gauges and sums).
public struct OTLPNumberPoint: Hashable, Sendable {
    public var attributes: [OTLPAttribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var value: OTLPNumber
    public var exemplars: [OTLPExemplar]
    public var flags: UInt32

    public init(
        attributes: [OTLPAttribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64, value: OTLPNumber,
        exemplars: [OTLPExemplar] = [], flags: UInt32 = 0
    ) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.value = value
        self.exemplars = exemplars
        self.flags = flags
    }
}

/// `HistogramDataPoint` (explicit bucket bounds). `bucketCounts` has `explicitBounds.count + 1` entries
/// when buckets are present (the last is the overflow bucket), or none at all.
public struct OTLPHistogramPoint: Hashable, Sendable {
    public var attributes: [OTLPAttribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var count: UInt64
    /// Absent when the sender did not set it (`optional double sum`).
    public var sum: Double?
    public var bucketCounts: [UInt64]
    public var explicitBounds: [Double]
    public var exemplars: [OTLPExemplar]
    public var flags: UInt32
    public var min: Double?
    public var max: Double?

    public init(
        attributes: [OTLPAttribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64, count: UInt64,
        sum: Double? = nil, bucketCounts: [UInt64] = [], explicitBounds: [Double] = [], exemplars: [OTLPExemplar] = [],
        flags: UInt32 = 0, min: Double? = nil, max: Double? = nil
    ) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.count = count
        self.sum = sum
        self.bucketCounts = bucketCounts
        self.explicitBounds = explicitBounds
        self.exemplars = exemplars
        self.flags = flags
        self.min = min
        self.max = max
    }
}

/// `ExponentialHistogramDataPoint.Buckets`: counts of consecutive buckets starting at index `offset`.
public struct OTLPExponentialBuckets: Hashable, Sendable {
    public var offset: Int32
    public var bucketCounts: [UInt64]

    public init(offset: Int32 = 0, bucketCounts: [UInt64] = []) {
        self.offset = offset
        self.bucketCounts = bucketCounts
    }
}

/// `ExponentialHistogramDataPoint`.
public struct OTLPExponentialHistogramPoint: Hashable, Sendable {
    public var attributes: [OTLPAttribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var count: UInt64
    public var sum: Double?
    public var scale: Int32
    public var zeroCount: UInt64
    public var positive: OTLPExponentialBuckets
    public var negative: OTLPExponentialBuckets
    public var flags: UInt32
    public var exemplars: [OTLPExemplar]
    public var min: Double?
    public var max: Double?
    public var zeroThreshold: Double

    public init(
        attributes: [OTLPAttribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64, count: UInt64,
        sum: Double? = nil, scale: Int32, zeroCount: UInt64 = 0, positive: OTLPExponentialBuckets = .init(),
        negative: OTLPExponentialBuckets = .init(), flags: UInt32 = 0, exemplars: [OTLPExemplar] = [],
        min: Double? = nil, max: Double? = nil, zeroThreshold: Double = 0
    ) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.count = count
        self.sum = sum
        self.scale = scale
        self.zeroCount = zeroCount
        self.positive = positive
        self.negative = negative
        self.flags = flags
        self.exemplars = exemplars
        self.min = min
        self.max = max
        self.zeroThreshold = zeroThreshold
    }
}

/// `SummaryDataPoint.ValueAtQuantile`.
public struct OTLPQuantileValue: Hashable, Sendable {
    public var quantile: Double
    public var value: Double

    public init(quantile: Double, value: Double) {
        self.quantile = quantile
        self.value = value
    }
}

/// `SummaryDataPoint`.
public struct OTLPSummaryPoint: Hashable, Sendable {
    public var attributes: [OTLPAttribute]
    public var startTimeUnixNano: UInt64
    public var timeUnixNano: UInt64
    public var count: UInt64
    public var sum: Double
    public var quantileValues: [OTLPQuantileValue]
    public var flags: UInt32

    public init(
        attributes: [OTLPAttribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64, count: UInt64,
        sum: Double, quantileValues: [OTLPQuantileValue] = [], flags: UInt32 = 0
    ) {
        self.attributes = attributes
        self.startTimeUnixNano = startTimeUnixNano
        self.timeUnixNano = timeUnixNano
        self.count = count
        self.sum = sum
        self.quantileValues = quantileValues
        self.flags = flags
    }
}

/// `Exemplar`: a measurement with its trace context. `traceID` is 16 bytes or empty, `spanID` 8 or empty.
public struct OTLPExemplar: Hashable, Sendable {
    public var filteredAttributes: [OTLPAttribute]
    public var timeUnixNano: UInt64
    public var value: OTLPNumber
    public var spanID: [UInt8]
    public var traceID: [UInt8]

    public init(
        filteredAttributes: [OTLPAttribute] = [], timeUnixNano: UInt64, value: OTLPNumber, spanID: [UInt8] = [],
        traceID: [UInt8] = []
    ) {
        self.filteredAttributes = filteredAttributes
        self.timeUnixNano = timeUnixNano
        self.value = value
        self.spanID = spanID
        self.traceID = traceID
    }
}
