import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

/// The same data remote-written into Debian's Prometheus 2.42 and into Pivot must give the same
/// answers. Sample times sit 1.234 s off the 15 s grid so that no sample falls on a window boundary:
/// Prometheus 2.x windows are closed on the left, 3.x (and Pivot) left-open, the one known
/// difference that matters for these queries.
@Suite(.serialized) struct PrometheusCrossCheckTests {
    static let queries: [String] = [
        "http_requests_total", "http_requests_total{code=\"200\"}", "http_requests_total{code!=\"200\"}",
        "http_requests_total{handler=~\"/api.*\"}", "http_requests_total{handler!~\"/api.*\"}",
        "rate(http_requests_total[1m])", "rate(http_requests_total[5m])", "irate(http_requests_total[5m])",
        "increase(http_requests_total[2m])", "sum(rate(http_requests_total[5m]))",
        "sum by (code) (rate(http_requests_total[5m]))", "sum without (instance) (rate(http_requests_total[5m]))",
        "avg by (handler) (http_requests_total)", "max by (code) (http_requests_total)", "min(http_requests_total)",
        "count(http_requests_total)", "count by (handler) (http_requests_total)", "stddev(memory_bytes)",
        "stdvar(memory_bytes)", "topk(3, http_requests_total)", "bottomk(2, memory_bytes)",
        "quantile(0.9, memory_bytes)", "count_values(\"value\", cpu_count)", "group by (instance) (memory_bytes)",
        "histogram_quantile(0.5, sum by (le) (rate(request_duration_seconds_bucket[5m])))",
        "histogram_quantile(0.99, sum by (le, handler) (rate(request_duration_seconds_bucket[5m])))",
        "histogram_quantile(0.9, rate(request_duration_seconds_bucket[5m]))",
        "rate(request_duration_seconds_sum[5m]) / rate(request_duration_seconds_count[5m])",
        "sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))",
        "memory_bytes / 1024 / 1024", "memory_bytes > 500000", "memory_bytes > bool 500000",
        "http_requests_total and on (instance) memory_bytes", "memory_bytes unless on (instance) cpu_count",
        "memory_bytes or cpu_count", "memory_bytes * on (instance) group_left cpu_count",
        "label_replace(memory_bytes, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
        "label_join(memory_bytes, \"id\", \"-\", \"instance\", \"job\")", "abs(delta(memory_bytes[5m]))",
        "deriv(memory_bytes[5m])", "predict_linear(memory_bytes[5m], 600)", "avg_over_time(memory_bytes[5m])",
        "max_over_time(memory_bytes[5m])", "min_over_time(memory_bytes[5m])", "sum_over_time(cpu_count[5m])",
        "count_over_time(memory_bytes[5m])", "quantile_over_time(0.5, memory_bytes[5m])",
        "stddev_over_time(memory_bytes[5m])", "changes(memory_bytes[10m])", "resets(http_requests_total[10m])",
        "last_over_time(memory_bytes[5m])", "present_over_time(memory_bytes[5m])", "absent(nonexistent_metric)",
        "absent_over_time(memory_bytes[5m])", "timestamp(memory_bytes)", "round(memory_bytes / 3)",
        "clamp(memory_bytes, 400000, 600000)", "sort_desc(sum by (handler) (http_requests_total))",
        "rate(http_requests_total[5m] offset 2m)", "sum(rate(http_requests_total[5m:30s]))",
        "max_over_time(rate(http_requests_total[1m])[5m:1m])", "vector(1) + scalar(count(memory_bytes))",
        "time() - timestamp(memory_bytes)", "-memory_bytes", "memory_bytes % 7", "memory_bytes ^ 0.5",
        "ln(memory_bytes)", "exp(cpu_count)", "sqrt(memory_bytes)", "ceil(memory_bytes / 1000)", "floor(memory_bytes / 1000)",
        "sgn(delta(memory_bytes[5m]))",
    ]

    static func data(base: Int64, points: Int) -> WriteBatch {
        var batch = WriteBatch()
        let handlers = ["/api/v1/query", "/api/v1/write", "/metrics"]
        let codes = ["200", "404", "500"]
        func times(_ body: (Int) -> Double) -> [Sample] {
            (0..<points).map { Sample(timestamp: base + Int64($0) * 15_000 + 1_234, value: body($0)) }
        }
        for instance in ["a:9100", "b:9100"] {
            for (h, handler) in handlers.enumerated() {
                for (c, code) in codes.enumerated() {
                    let slope = Double((h + 1) * (3 - c)) * (instance == "a:9100" ? 1 : 1.5)
                    batch.append(labels: Labels([
                        "__name__": "http_requests_total", "code": code, "handler": handler, "instance": instance, "job": "app",
                    ]), samples: times { i in
                        // A counter reset halfway for one series.
                        (h == 1 && c == 0 && instance == "a:9100" && i >= points / 2) ? Double(i - points / 2) * slope : Double(i) * slope
                    })
                }
                var cumulative = 0.0
                for (b, le) in ["0.1", "0.5", "1", "+Inf"].enumerated() {
                    cumulative = Double(b + 1)
                    let factor = cumulative
                    batch.append(labels: Labels([
                        "__name__": "request_duration_seconds_bucket", "handler": handler, "instance": instance, "job": "app", "le": le,
                    ]), samples: times { i in Double(i) * factor * Double(h + 1) })
                }
                batch.append(labels: Labels([
                    "__name__": "request_duration_seconds_sum", "handler": handler, "instance": instance, "job": "app",
                ]), samples: times { i in Double(i) * 0.37 * Double(h + 1) })
                batch.append(labels: Labels([
                    "__name__": "request_duration_seconds_count", "handler": handler, "instance": instance, "job": "app",
                ]), samples: times { i in Double(i) * 4 * Double(h + 1) })
            }
            batch.append(labels: Labels(["__name__": "memory_bytes", "instance": instance, "job": "node"]),
                         samples: times { i in 500_000 + 90_000 * sin(Double(i) / 5) + (instance == "a:9100" ? 0 : 13_000) })
            batch.append(labels: Labels(["__name__": "cpu_count", "instance": instance, "job": "node"]),
                         samples: times { _ in instance == "a:9100" ? 4 : 8 })
        }
        return batch
    }

    /// A result as a map from labels text to values, for comparison.
    static func normalized(_ data: [String: Any]) -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        let result = data["result"]
        func value(_ pair: [Any]) -> Double { Double(pair[1] as! String)! }
        if let scalar = result as? [Any], data["resultType"] as? String == "scalar" {
            out[""] = [value(scalar)]
            return out
        }
        for item in result as? [[String: Any]] ?? [] {
            let labels = (item["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            if let pair = item["value"] as? [Any] { out[labels] = [value(pair)] }
            if let pairs = item["values"] as? [[Any]] { out[labels] = pairs.map(value) }
        }
        return out
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }

    @Test func pivotAnswersLikePrometheusOnTheSameData() async throws {
        // For each query, instant at three times and as a range, Pivot's answer equals Prometheus 2.42's.
        let prometheusBinary = try #require(PeerProcess.find("prometheus"))
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        let port = freePort()
        let dir = PivotProcess.temporaryDirectory("prometheus-crosscheck")
        try "global: {}\n".write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try PeerProcess(executable: prometheusBinary, arguments: [
            "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--web.enable-remote-write-receiver",
        ])
        defer { prometheus.stop() }
        let prometheusURL = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if (try? await fetchText(prometheusURL + "/-/ready")).map({ $0.contains("Ready") }) == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }

        let points = 60
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let base = (now - Int64(points) * 15_000 - 60_000) / 15_000 * 15_000
        let batch = Self.data(base: base, points: points)
        let toPrometheus = try await RemoteWriteClient(url: prometheusURL + "/api/v1/write").send(batch)
        #expect(toPrometheus.status == 204, "\(toPrometheus.body)")
        let toPivot = try await RemoteWriteClient(url: pivot.baseURL + "/api/v1/write").send(batch)
        #expect(toPivot.status == 204, "\(toPivot.body)")

        var compared = 0
        var nonEmpty = 0
        var mismatches: [String] = []
        let times = [base + 10 * 15_000 + 10_000, base + 30 * 15_000 + 10_000, base + 59 * 15_000 + 10_000]
        for query in Self.queries {
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var requests = times.map { "/api/v1/query?query=\(encoded)&time=\(Double($0) / 1000)" }
            requests.append("/api/v1/query_range?query=\(encoded)&start=\(Double(base) / 1000 + 130)&end=\(Double(base) / 1000 + 880)&step=30")
            for path in requests {
                let expected = Self.normalized(try await fetchJSON(prometheusURL + path) as! [String: Any])
                let actual = Self.normalized(try await fetchJSON(pivot.baseURL + path) as! [String: Any])
                compared += 1
                if !expected.isEmpty { nonEmpty += 1 }
                let same = expected.keys.sorted() == actual.keys.sorted() && expected.allSatisfy { key, values in
                    let other = actual[key]!
                    return values.count == other.count && zip(values, other).allSatisfy(Self.close)
                }
                if !same { mismatches.append("\(path)\n  prometheus: \(expected)\n  pivot:      \(actual)") }
            }
        }
        #expect(Self.queries.count >= 50)
        // absent_over_time of a present metric and `unless` of matching series are empty by design.
        #expect(nonEmpty >= compared - 12, "only \(nonEmpty) of \(compared) answers had data")
        print("cross-check: \(Self.queries.count) queries, \(compared) answers compared, \(nonEmpty) with data, \(mismatches.count) different")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) answers differ:\n\(mismatches.prefix(5).joined(separator: "\n"))")
        _ = try await pivot.stop()
    }
}
