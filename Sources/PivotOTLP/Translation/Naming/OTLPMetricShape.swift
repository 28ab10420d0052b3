/// What kind of Prometheus metric an OTLP metric becomes. Only `gauge` and `counter` change the
/// name: counters get `_total`, gauges with unit `1` get `_ratio`.
public enum OTLPMetricShape: Sendable, Hashable {
    /// An OTLP Gauge.
    case gauge
    /// A monotonic Sum with cumulative temporality (or a delta Sum converted to cumulative).
    case counter
    /// A non-monotonic Sum; Prometheus stores it as a gauge but, like upstream, it gets no `_ratio`.
    case nonMonotonicSum
    /// An explicit-bucket histogram (classic or NHCB).
    case histogram
    /// An exponential histogram (native histogram).
    case exponentialHistogram
    /// A summary.
    case summary
}
