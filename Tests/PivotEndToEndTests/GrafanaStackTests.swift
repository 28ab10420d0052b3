import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The stack a user points Grafana at, with real clients and the real binary: Debian's Prometheus
/// scrapes node exporter, itself and Pivot's `/metrics` and remote-writes everything to Pivot; the
/// demo service (OpenTelemetry Python SDK) sends metrics and traces over OTLP HTTP protobuf, HTTP
/// JSON and gRPC. Then: the same PromQL gives the same answers from Prometheus and from Pivot, every
/// exemplar of the demo's latency histogram resolves to its trace through the Tempo and Jaeger
/// paths, Grafana's trace data source calls get the shapes Grafana parses, and every query of the
/// shipped dashboards returns series.
@Suite(.serialized) struct GrafanaStackTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// PromQL over node exporter's and Prometheus's own metrics, evaluated by both at one instant.
    /// Windows are 5 s: the series are young, and Prometheus 2.x extrapolates the start of a counter
    /// born inside the window differently from 3.x (which Pivot follows: the zero clamp applies after
    /// the half-interval rule), the one known difference these queries would otherwise hit.
    static let crossCheckQueries = [
        "up", "count(up)", "sum by (job) (up)", "node_load1", "count(node_cpu_seconds_total)",
        "sum by (mode) (rate(node_cpu_seconds_total[5s]))", "rate(node_cpu_seconds_total{mode=\"idle\"}[5s])",
        "irate(node_cpu_seconds_total{mode=\"user\"}[5s])", "increase(node_cpu_seconds_total{mode=\"system\"}[5s])",
        "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "node_memory_MemTotal_bytes / 1024 / 1024",
        "max(node_filesystem_size_bytes)", "topk(3, node_network_receive_bytes_total)",
        "bottomk(2, node_network_transmit_bytes_total)", "avg_over_time(node_load1[5s])", "max_over_time(node_load1[5s])",
        "min_over_time(node_memory_MemFree_bytes[5s])", "count_over_time(up[5s])", "delta(node_memory_MemFree_bytes[5s])",
        "deriv(node_memory_MemFree_bytes[5s])", "changes(node_load1[5s])", "resets(node_cpu_seconds_total[5s])",
        "rate(prometheus_http_requests_total[5s])", "sum by (handler) (rate(prometheus_http_requests_total[5s]))",
        "histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[5s])))",
        "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", "label_join(up, \"id\", \"-\", \"job\", \"instance\")",
        "absent(nonexistent_metric)", "vector(1) + count(up)", "sort_desc(sum by (mode) (node_cpu_seconds_total))",
        "quantile(0.5, rate(node_cpu_seconds_total[5s]))", "stddev(node_load1)", "count_values(\"v\", up)",
        "up == 1", "up > bool 0", "node_load1 and on (instance) up", "sum(up) by (instance) * on (instance) group_left sum(node_load1) by (instance)",
        "prometheus_tsdb_head_series", "rate(prometheus_tsdb_head_samples_appended_total[5s])",
    ]

    @Test func theFullStackAnswersGrafanaLikePrometheusAndTempo() async throws {
        let prometheusBinary = try #require(PeerProcess.find("prometheus"), "prometheus is not installed (make test installs it)")
        let exporterBinary = try #require(
            PeerProcess.find("prometheus-node-exporter") ?? PeerProcess.find("node_exporter"), "prometheus-node-exporter is not installed")
        let grpcPort = freePort()
        let pivot = try PivotProcess(extraArguments: ["--otlp.grpc-listen-address=127.0.0.1:\(grpcPort)"])
        try await pivot.waitUntilReady()
        let exporterPort = freePort()
        let exporter = try PeerProcess(executable: exporterBinary, arguments: ["--web.listen-address=127.0.0.1:\(exporterPort)"])
        defer { exporter.stop() }
        let port = freePort()
        let dir = PivotProcess.temporaryDirectory("prometheus")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: prometheus
                static_configs: [{targets: ['127.0.0.1:\(port)']}]
              - job_name: node
                static_configs: [{targets: ['127.0.0.1:\(exporterPort)']}]
              - job_name: pivot
                static_configs: [{targets: ['127.0.0.1:\(pivot.webPort)']}]
            remote_write:
              - url: http://127.0.0.1:\(pivot.webPort)/api/v1/write
                send_exemplars: true
                metadata_config: {send: true, send_interval: 1s}
                queue_config: {batch_send_deadline: 1s, min_backoff: 50ms, max_backoff: 500ms}
            """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try PeerProcess(executable: prometheusBinary, arguments: [
            "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--enable-feature=exemplar-storage",
        ])
        defer { prometheus.stop() }
        let prometheusURL = "http://127.0.0.1:\(port)"

        // The demo service over each OTLP transport, at the same time, for a few seconds.
        let app = Self.repository.path + "/demo/app.py"
        let transports = [
            ("http/protobuf", "http://127.0.0.1:\(pivot.otlpHTTPPort)", "demo-proto"),
            ("http/json", "http://127.0.0.1:\(pivot.otlpHTTPPort)", "demo-json"),
            ("grpc", "127.0.0.1:\(grpcPort)", "demo-grpc"),
        ]
        let runs = try await withThrowingTaskGroup(of: PythonRun.self) { group in
            for (protocolName, endpoint, service) in transports {
                group.addTask {
                    try PythonRun.run([app, "--port", "0", "--protocol", protocolName, "--otlp-endpoint", endpoint,
                                       "--service-name", service, "--load", "10", "--duration", "6", "--export-interval-ms", "500"])
                }
            }
            var all: [PythonRun] = []
            for try await run in group { all.append(run) }
            return all
        }
        for run in runs { #expect(run.status == 0, "\(run.output)\n\(run.errors)") }

        // Traffic the gateway dashboard shows: queries, trace lookups, a 404 and a refused remote write.
        _ = try? await fetchText(pivot.baseURL + "/api/v1/query?query=up")
        _ = try? await fetchText(pivot.baseURL + "/api/v1/query_range?query=up&start=0&end=60&step=15")
        _ = try? await fetchText(pivot.baseURL + "/api/search?limit=1")
        _ = try? await fetchText(pivot.baseURL + "/jaeger/api/services")
        _ = try? await fetchText(pivot.baseURL + "/api/traces/00000000000000000000000000000001")
        var bad = URLRequest(url: URL(string: pivot.baseURL + "/api/v1/write")!)
        bad.httpMethod = "POST"
        bad.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
        bad.setValue("snappy", forHTTPHeaderField: "Content-Encoding")
        bad.httpBody = Data("not snappy".utf8)
        _ = try? await URLSession.shared.data(for: bad)
        // The same gauge point twice with another value: the store refuses the second (a counted rejection).
        for value in [1, 2] {
            var export = URLRequest(url: URL(string: "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/metrics")!)
            export.httpMethod = "POST"
            export.setValue("application/json", forHTTPHeaderField: "Content-Type")
            export.httpBody = Data(#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"conflict","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"\#(value)"}]}}]}]}]}"#.utf8)
            _ = try? await URLSession.shared.data(for: export)
        }

        // Let Prometheus scrape for a while (it started before the demo ran) and its queue drain.
        var scraped = 0
        for _ in 0..<60 where scraped < 3 {
            try await Task.sleep(for: .milliseconds(500))
            let result = (try? await fetchJSON(prometheusURL + "/api/v1/query?query=count(up%3D%3D1)") as? [String: Any])?["result"] as? [[String: Any]]
            scraped = Int(((result?.first?["value"] as? [Any])?.last as? String) ?? "0") ?? 0
        }
        #expect(scraped == 3, "prometheus does not scrape all three targets: \(prometheus.log.suffix(2000))")
        try await Task.sleep(for: .seconds(12))

        try await crossCheck(pivot: pivot, prometheusURL: prometheusURL)
        try await exemplarsResolveToTraces(pivot: pivot, services: transports.map(\.2))
        try await traceDataSourceCalls(pivot: pivot)
        try await dashboardQueriesReturnSeries(pivot: pivot)
        _ = try await pivot.stop()
    }

    /// (1) Each query at one instant (10 s ago, off the scrape grid) gives the same series and values.
    func crossCheck(pivot: PivotProcess, prometheusURL: String) async throws {
        let time = String(format: "%.3f", Date().timeIntervalSince1970 - 10.123)
        var compared = 0
        for query in Self.crossCheckQueries {
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
            let path = "/api/v1/query?query=\(encoded)&time=\(time)"
            let fromPrometheus = try await fetchJSON(prometheusURL + path) as? [String: Any]
            let fromPivot = try await fetchJSON(pivot.baseURL + path) as? [String: Any]
            let expected = Self.normalise(fromPrometheus)
            let actual = Self.normalise(fromPivot)
            #expect(!expected.isEmpty || query.hasPrefix("absent"), "\(query): Prometheus has no data")
            #expect(actual.keys.sorted() == expected.keys.sorted(), "\(query): series differ\nPivot: \(actual.keys.sorted())\nPrometheus: \(expected.keys.sorted())")
            for (labels, value) in expected {
                guard let other = actual[labels] else { continue }
                let close = value == other || (value.isNaN && other.isNaN)
                    || abs(value - other) <= 1e-9 * max(abs(value), abs(other))
                #expect(close, "\(query) \(labels): Prometheus \(value), Pivot \(other)")
            }
            compared += 1
        }
        #expect(compared >= 30)
    }

    /// A vector or scalar result as labels → value.
    static func normalise(_ data: [String: Any]?) -> [String: Double] {
        guard let data else { return [:] }
        if data["resultType"] as? String == "scalar", let value = data["result"] as? [Any], let text = value.last as? String {
            return ["scalar": Double(text) ?? .nan]
        }
        var out: [String: Double] = [:]
        for series in data["result"] as? [[String: Any]] ?? [] {
            let metric = (series["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ",")
            if let value = series["value"] as? [Any], let text = value.last as? String { out[metric] = Double(text) ?? .nan }
        }
        return out
    }

    /// (2) Every exemplar of the demo's latency histogram names a trace that all three lookup paths return.
    func exemplarsResolveToTraces(pivot: PivotProcess, services: [String]) async throws {
        let now = Int(Date().timeIntervalSince1970)
        let data = try #require(try await fetchJSON(
            pivot.baseURL + "/api/v1/query_exemplars?query=http_server_request_duration_seconds_bucket&start=\(now - 600)&end=\(now + 60)")
            as? [[String: Any]])
        var traceIDs: [String: String] = [:]
        for series in data {
            let job = (series["seriesLabels"] as? [String: String])?["job"] ?? ""
            for exemplar in series["exemplars"] as? [[String: Any]] ?? [] {
                if let id = (exemplar["labels"] as? [String: String])?["trace_id"] { traceIDs[id] = job }
            }
        }
        #expect(Set(traceIDs.values) == Set(services), "exemplars by job: \(Set(traceIDs.values))")
        for (id, job) in traceIDs.prefix(30) {
            for (path, accept) in [("/api/v2/traces/\(id)", "application/protobuf"), ("/api/traces/\(id)", nil), ("/jaeger/api/traces/\(id)", nil)] {
                var request = URLRequest(url: URL(string: pivot.baseURL + path)!)
                if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
                let (body, response) = try await URLSession.shared.data(for: request)
                #expect((response as! HTTPURLResponse).statusCode == 200, "\(job) \(path)")
                #expect(body.count > 50, "\(job) \(path): \(body.count) bytes")
            }
        }
    }

    /// (3) What Grafana's Tempo and Jaeger data sources call, in their shapes.
    func traceDataSourceCalls(pivot: PivotProcess) async throws {
        #expect(try await fetchText(pivot.baseURL + "/api/echo") == "echo")
        let tags = try await fetchText(pivot.baseURL + "/api/v2/search/tags")
        #expect(tags.contains("\"scopes\"") && tags.contains("\"resource\"") && tags.contains("service.name"), "\(tags)")
        let values = try await fetchText(pivot.baseURL + "/api/v2/search/tag/resource.service.name/values")
        #expect(values.contains("{\"type\":\"string\",\"value\":\"demo-grpc\"}"), "\(values)")
        let search = try await fetchText(pivot.baseURL + "/api/search?q=%7B%20resource.service.name%20%3D%20%22demo-json%22%20%7D&limit=5")
        #expect(search.contains("\"rootServiceName\":\"demo-json\""), "\(search.prefix(500))")
        let services = try await fetchText(pivot.baseURL + "/jaeger/api/services")
        #expect(services.contains("\"demo-proto\""), "\(services)")
        let operations = try await fetchText(pivot.baseURL + "/jaeger/api/services/demo-proto/operations")
        #expect(operations.contains("GET /checkout"), "\(operations)")
    }

    /// (4) Every PromQL query of `dashboards/` (template variables substituted) returns series.
    func dashboardQueriesReturnSeries(pivot: PivotProcess) async throws {
        var arguments = [Self.repository.path + "/deploy/validate.py", PivotProcess.binaryPath, "--repo", Self.repository.path, "--print-exprs"]
        if !FileManager.default.fileExists(atPath: Self.repository.path + "/demo") { arguments += ["--allow-missing", "demo"] }
        let run = try PythonRun.run(arguments)
        #expect(run.status == 0, "\(run.errors)")
        let now = Int(Date().timeIntervalSince1970)
        var checked = 0
        for line in run.output.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let promql = object["promql"] as? String
            else { continue }
            let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
            let data = try await fetchJSON(pivot.baseURL + "/api/v1/query_range?query=\(encoded)&start=\(now - 120)&end=\(now)&step=5")
            let result = (data as? [String: Any])?["result"] as? [[String: Any]] ?? []
            #expect(!result.isEmpty, "\(object["file"] ?? "") panel \(object["panel"] ?? "") \(object["refId"] ?? ""): no series for \(promql)")
            checked += 1
        }
        #expect(checked >= 20)
    }
}
