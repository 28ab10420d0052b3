/// An exemplar: a sample of a series that carries extra labels, usually `trace_id` and `span_id`.
public struct Exemplar: Hashable, Sendable {
    public var labels: Labels
    public var value: Double
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64

    public init(labels: Labels, value: Double, timestamp: Int64) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    /// Prometheus's limit on the combined length, in Unicode characters, of an exemplar's label names and values.
    public static let maxLabelSetLength = 128
}
