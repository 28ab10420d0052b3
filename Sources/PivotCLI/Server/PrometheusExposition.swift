import PivotHTTP
import Prometheus

/// Renders the process's swift-metrics registry for `GET /metrics`.
struct PrometheusExposition: MetricsExposition {
    let registry: PrometheusCollectorRegistry

    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }
}
