import Foundation
import PivotWire
import SwiftProtobuf

/// An OTLP `ExportMetricsServiceRequest` shaped like an SDK or collector batch: four services (resources
/// with nine attributes each), one instrumentation scope each, and per service three gauges (double), three
/// monotonic cumulative sums (int) and four explicit-bucket histograms (ten bounds, one exemplar per point
/// with trace and span id), 25 points per metric with two or three attributes. Gauge and sum points carry
/// an exemplar one time in a hundred.
struct OTLPFixture {
    /// The serialized request.
    let bytes: [UInt8]
    /// What a complete decode must see.
    let expected: OTLPTally

    /// Builds a request of `resources * 250` data points.
    init(resources resourceCount: Int = 4, seed: UInt64 = 2) {
        var random = BenchRandom(seed: seed)
        let pointsPerMetric = 25
        let time: UInt64 = 1_767_225_600_000_000_000
        var pointIndex = 0
        var request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest()
        for service in 0..<resourceCount {
            var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
            resourceMetrics.resource.attributes = [
                Self.attribute("service.name", string: "checkout-\(service)"),
                Self.attribute("service.namespace", string: "shop"),
                Self.attribute("service.version", string: "1.14.\(service)"),
                Self.attribute("service.instance.id", string: random.hex(bytes: 16)),
                Self.attribute("host.name", string: "ip-10-20-\(service)-17.eu-west-1.compute.internal"),
                Self.attribute("host.arch", string: "amd64"),
                Self.attribute("telemetry.sdk.name", string: "opentelemetry"),
                Self.attribute("telemetry.sdk.language", string: "go"),
                Self.attribute("telemetry.sdk.version", string: "1.38.0"),
            ]
            resourceMetrics.schemaURL = "https://opentelemetry.io/schemas/1.37.0"
            var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
            scope.scope.name = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
            scope.scope.version = "0.63.0"

            func numberPoint(_ attributes: [Opentelemetry_Proto_Common_V1_KeyValue], value: Opentelemetry_Proto_Metrics_V1_NumberDataPoint.OneOf_Value) -> Opentelemetry_Proto_Metrics_V1_NumberDataPoint {
                var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
                point.attributes = attributes
                point.startTimeUnixNano = time - 60_000_000_000
                point.timeUnixNano = time + random.next() % 1_000_000
                point.value = value
                if pointIndex % 100 == 99 {
                    point.exemplars = [Self.exemplar(&random, time: point.timeUnixNano)]
                }
                pointIndex += 1
                return point
            }

            for gauge in ["process.runtime.go.goroutines", "system.memory.usage", "system.cpu.utilization"] {
                var metric = Opentelemetry_Proto_Metrics_V1_Metric()
                metric.name = gauge
                metric.unit = "1"
                metric.description_p = "A gauge."
                var data = Opentelemetry_Proto_Metrics_V1_Gauge()
                for i in 0..<pointsPerMetric {
                    let attributes = [
                        Self.attribute("cpu", int: Int64(i)),
                        Self.attribute("state", string: ["user", "system", "idle"][i % 3]),
                    ]
                    data.dataPoints.append(numberPoint(attributes, value: .asDouble(Double(random.next() % 10_000) / 100)))
                }
                metric.gauge = data
                scope.metrics.append(metric)
            }
            for sum in ["http.server.request.count", "rpc.server.requests", "db.client.operations"] {
                var metric = Opentelemetry_Proto_Metrics_V1_Metric()
                metric.name = sum
                metric.unit = "{request}"
                var data = Opentelemetry_Proto_Metrics_V1_Sum()
                data.aggregationTemporality = .cumulative
                data.isMonotonic = true
                for i in 0..<pointsPerMetric {
                    data.dataPoints.append(numberPoint(Self.httpAttributes(i), value: .asInt(Int64(random.next() % 1_000_000))))
                }
                metric.sum = data
                scope.metrics.append(metric)
            }
            for histogram in ["http.server.request.duration", "http.server.request.body.size", "http.client.request.duration", "db.client.operation.duration"] {
                var metric = Opentelemetry_Proto_Metrics_V1_Metric()
                metric.name = histogram
                metric.unit = "s"
                metric.description_p = "Duration of requests."
                var data = Opentelemetry_Proto_Metrics_V1_Histogram()
                data.aggregationTemporality = .cumulative
                for i in 0..<pointsPerMetric {
                    var point = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
                    point.attributes = Self.httpAttributes(i)
                    point.startTimeUnixNano = time - 60_000_000_000
                    point.timeUnixNano = time + random.next() % 1_000_000
                    point.explicitBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
                    point.bucketCounts = (0...10).map { _ in random.next() % 500 }
                    point.count = point.bucketCounts.reduce(0, +)
                    point.sum = Double(point.count) * 0.042
                    point.min = 0.0007
                    point.max = 4.2
                    point.exemplars = [Self.exemplar(&random, time: point.timeUnixNano)]
                    data.dataPoints.append(point)
                    pointIndex += 1
                }
                metric.histogram = data
                scope.metrics.append(metric)
            }
            resourceMetrics.scopeMetrics = [scope]
            request.resourceMetrics.append(resourceMetrics)
        }
        bytes = try! request.serializedBytes()
        expected = OTLPTally(request)
    }

    private static func httpAttributes(_ i: Int) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        [
            attribute("http.request.method", string: ["GET", "POST", "PUT", "DELETE"][i % 4]),
            attribute("http.route", string: ["/api/cart", "/api/checkout", "/api/orders/{id}", "/healthz", "/api/payment"][i % 5]),
            attribute("http.response.status_code", int: [200, 201, 404, 500, 503][i % 5]),
        ]
    }

    private static func exemplar(_ random: inout BenchRandom, time: UInt64) -> Opentelemetry_Proto_Metrics_V1_Exemplar {
        var exemplar = Opentelemetry_Proto_Metrics_V1_Exemplar()
        exemplar.timeUnixNano = time - random.next() % 1_000_000_000
        exemplar.value = .asDouble(Double(random.next() % 5_000) / 1_000)
        exemplar.traceID = Data(random.bytes(16))
        exemplar.spanID = Data(random.bytes(8))
        exemplar.filteredAttributes = [attribute("user.id", string: "u-\(random.next() % 100_000)")]
        return exemplar
    }

    private static func attribute(_ key: String, string: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var kv = Opentelemetry_Proto_Common_V1_KeyValue()
        kv.key = key
        kv.value.stringValue = string
        return kv
    }

    private static func attribute(_ key: String, int: Int64) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var kv = Opentelemetry_Proto_Common_V1_KeyValue()
        kv.key = key
        kv.value.intValue = int
        return kv
    }
}
