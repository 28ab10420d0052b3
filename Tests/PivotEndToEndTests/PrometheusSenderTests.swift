import Foundation
import Testing

@Suite(.serialized) struct PrometheusSenderTests {
    @Test func prometheusRemoteWritesEverySeriesWithoutErrors() async throws {
        // Debian's Prometheus scraping itself and remote-writing to Pivot (exemplars, metadata) gets no
        // 4xx/5xx, and every series it had before the wait arrives in Pivot with its metadata.
        let prometheusBinary = try #require(PeerProcess.find("prometheus"), "prometheus is not installed (make test installs it)")
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        let port = freePort()
        let dir = PivotProcess.temporaryDirectory("prometheus")
        let config = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: prometheus
                static_configs:
                  - targets: ['127.0.0.1:\(port)']
            remote_write:
              - url: http://127.0.0.1:\(pivot.webPort)/api/v1/write
                send_exemplars: true
                metadata_config:
                  send: true
                  send_interval: 1s
                queue_config:
                  batch_send_deadline: 1s
                  min_backoff: 50ms
                  max_backoff: 500ms
            """
        try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try PeerProcess(executable: prometheusBinary, arguments: [
            "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--enable-feature=exemplar-storage",
        ])
        defer { prometheus.stop() }

        // Let it start and scrape a few times (slow on a busy machine), then take the series it has.
        let base = "http://127.0.0.1:\(port)"
        var names: [String] = []
        for _ in 0..<120 where names.count <= 50 {
            try await Task.sleep(for: .milliseconds(500))
            names = (try? await fetchJSON(base + "/api/v1/label/__name__/values") as? [String]) ?? []
        }
        try await Task.sleep(for: .seconds(3))
        #expect(names.count > 50, "prometheus has too few series: \(prometheus.log)")

        // Everything it had is in Pivot once the queue drains.
        var missing: [String] = []
        for _ in 0..<40 {
            let pivotNames = Set(try await fetchJSON(pivot.baseURL + "/api/v1/label/__name__/values") as! [String])
            missing = names.filter { !pivotNames.contains($0) }
            if missing.isEmpty { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(missing.isEmpty, "series names missing in Pivot: \(missing.prefix(20))")

        let series = try await fetchJSON(pivot.baseURL + "/api/v1/series?match[]=prometheus_build_info") as! [[String: String]]
        #expect(series.first?["job"] == "prometheus")
        #expect(series.first?["instance"] == "127.0.0.1:\(port)")

        // Metadata arrives in its own requests, every send_interval.
        var metadata: [String: [[String: String]]] = [:]
        for _ in 0..<40 where metadata.isEmpty {
            metadata = try await fetchJSON(pivot.baseURL + "/api/v1/metadata?metric=prometheus_http_requests_total") as! [String: [[String: String]]]
            if metadata.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(metadata["prometheus_http_requests_total"]?.first?["type"] == "counter")

        // Its samples are queryable with PromQL.
        let result = try await fetchJSON(pivot.baseURL + "/api/v1/query?query=" + "sum(prometheus_build_info)") as! [String: Any]
        #expect((result["result"] as? [[String: Any]])?.count == 1)

        // Prometheus saw no failed or dropped sends.
        let metrics = try await fetchText(base + "/metrics")
        for line in metrics.split(separator: "\n") where line.hasPrefix("prometheus_remote_storage_samples_failed_total")
            || line.hasPrefix("prometheus_remote_storage_samples_dropped_total")
            || line.hasPrefix("prometheus_remote_storage_metadata_failed_total") {
            #expect(line.hasSuffix(" 0"), "\(line)")
        }
        let log = prometheus.log
        #expect(!log.contains("non-recoverable error"), "\(log)")
        #expect(!log.contains("server returned HTTP status"), "\(log)")
        _ = try await pivot.stop()
    }
}
