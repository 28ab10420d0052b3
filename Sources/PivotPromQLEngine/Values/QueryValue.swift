import PivotModel

/// One float value at a point in time (milliseconds since the Unix epoch): the storage's `Sample`,
/// so selected samples become a series' points without a copy.
public typealias FloatPoint = Sample

/// A series of a range-vector (matrix) result: its labels and its points in ascending time order.
public struct Series: Hashable, Sendable {
    public var labels: Labels
    public var points: [FloatPoint]

    public init(labels: Labels, points: [FloatPoint]) {
        self.labels = labels
        self.points = points
    }
}

/// One element of an instant-vector result.
public struct VectorElement: Hashable, Sendable {
    public var labels: Labels
    /// The evaluation time (milliseconds).
    public var timestamp: Int64
    public var value: Double

    public init(labels: Labels, timestamp: Int64, value: Double) {
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }
}

/// The value of a query, as Prometheus's `resultType` names it.
public enum QueryValue: Hashable, Sendable {
    /// A number at the evaluation time.
    case scalar(FloatPoint)
    /// An instant vector. Its order is meaningful only after `sort`, `sort_desc`, `topk` or `bottomk`.
    case vector([VectorElement])
    /// A range vector; series sorted by labels (Prometheus's `labels.Compare`).
    case matrix([Series])
    /// A string at the evaluation time.
    case string(String, timestamp: Int64)

    /// `scalar`, `vector`, `matrix` or `string`, as the HTTP API's `resultType`.
    public var resultType: String {
        switch self {
        case .scalar: "scalar"
        case .vector: "vector"
        case .matrix: "matrix"
        case .string: "string"
        }
    }
}

/// A query's value with the warnings and infos its evaluation produced.
public struct QueryResult: Hashable, Sendable {
    public var value: QueryValue
    public var annotations: Annotations

    public init(value: QueryValue, annotations: Annotations = Annotations()) {
        self.value = value
        self.annotations = annotations
    }
}
