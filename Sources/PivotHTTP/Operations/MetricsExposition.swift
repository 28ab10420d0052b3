/// Renders Pivot's own metrics in the Prometheus text format for `GET /metrics`.
public protocol MetricsExposition: Sendable {
    func render() -> [UInt8]
}
