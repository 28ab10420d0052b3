import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The OpenTelemetry Python SDK (a real exporter) sends metrics to the real `pivot` binary over each
/// OTLP transport; the translated series and the exemplar's trace id are then read back through the
/// Prometheus API, as Grafana would.
@Suite(.serialized) struct OTLPMetricsTests {
    static var clientScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/otlp_metrics_client.py").path
    }

    struct ClientResult: Decodable {
        var trace_id: String
        var span_id: String
        var export: String
    }

    /// Runs the SDK client; returns what it printed (the span's ids) or fails the test with its output.
    static func runClient(transport: String, endpoint: String, service: String) throws -> ClientResult? {
        let run = try PythonRun.run([clientScript, "--transport", transport, "--endpoint", endpoint, "--service-name", service])
        #expect(run.status == 0, "\(transport): \(run.output) \(run.errors)")
        return try? JSONDecoder().decode(ClientResult.self, from: Data(run.output.utf8))
    }

    /// The `data` of a Prometheus API answer.
    static func query(_ pivot: PivotProcess, _ path: String) async throws -> Any {
        try await fetchJSON(pivot.baseURL + path)
    }

    @Test(arguments: ["grpc", "http-proto", "http-json"])
    func anSDKHistogramRecordedInASpanLeadsFromItsExemplarToTheTrace(transport: String) async throws {
        // The histogram's exemplar carries the active span's trace id; query_exemplars returns it on the
        // bucket series, and the translated names (unit suffix, _total) answer PromQL.
        let grpcPort = freePort()
        let pivot = try PivotProcess(extraArguments: ["--otlp.grpc-listen-address=127.0.0.1:\(grpcPort)"])
        try await pivot.waitUntilReady()
        let endpoint = transport == "grpc" ? "127.0.0.1:\(grpcPort)" : "http://127.0.0.1:\(pivot.otlpHTTPPort)"
        let service = "checkout-\(transport)"
        let client = try #require(try Self.runClient(transport: transport, endpoint: endpoint, service: service))
        #expect(client.export == "SUCCESS")
        #expect(client.trace_id.count == 32)

        let end = Int(Date().timeIntervalSince1970) + 60
        let exemplars = try await Self.query(
            pivot, "/api/v1/query_exemplars?query=pivot_e2e_latency_seconds_bucket&start=\(end - 600)&end=\(end)")
        let data = try #require(exemplars as? [[String: Any]])
        let traceIDs = data.flatMap { ($0["exemplars"] as? [[String: Any]] ?? []).compactMap { ($0["labels"] as? [String: String])?["trace_id"] } }
        #expect(traceIDs == [client.trace_id], "\(exemplars)")
        let spanIDs = data.flatMap { ($0["exemplars"] as? [[String: Any]] ?? []).compactMap { ($0["labels"] as? [String: String])?["span_id"] } }
        #expect(spanIDs == [client.span_id])
        let series = try #require(data.first?["seriesLabels"] as? [String: String])
        #expect(series["job"] == service)
        #expect(series["le"] != nil)

        let count = try await Self.query(pivot, "/api/v1/query?query=pivot_e2e_latency_seconds_count%7Bjob%3D%22\(service)%22%7D")
        let countResult = try #require((count as? [String: Any])?["result"] as? [[String: Any]])
        #expect((countResult.first?["value"] as? [Any])?.last as? String == "1", "\(count)")
        let total = try await Self.query(pivot, "/api/v1/query?query=sum(pivot_e2e_requests_total)")
        let totalResult = try #require((total as? [String: Any])?["result"] as? [[String: Any]])
        #expect((totalResult.first?["value"] as? [Any])?.last as? String == "3", "\(total)")

        // The same streams exported again (a new SDK process, same resource and attributes) go to the
        // store by series reference and land in the same series.
        let again = try #require(try Self.runClient(transport: transport, endpoint: endpoint, service: service))
        #expect(again.export == "SUCCESS")
        let samples = try await Self.query(
            pivot, "/api/v1/query?query=count_over_time(pivot_e2e_latency_seconds_count%7Bjob%3D%22\(service)%22%7D%5B10m%5D)")
        let samplesResult = try #require((samples as? [String: Any])?["result"] as? [[String: Any]])
        #expect(samplesResult.count == 1)
        #expect((samplesResult.first?["value"] as? [Any])?.last as? String == "2", "\(samples)")
        let selfMetrics = try await fetchText(pivot.baseURL + "/metrics")
        let cached = selfMetrics.split(separator: "\n").first { $0.hasPrefix("pivot_otlp_stream_cache_streams ") }
        #expect(cached.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0 > 0, "\(cached ?? "no gauge")")
        let metadata = try await Self.query(pivot, "/api/v1/metadata?metric=pivot_e2e_latency_seconds")
        let entry = try #require(((metadata as? [String: Any])?["pivot_e2e_latency_seconds"] as? [[String: Any]])?.first)
        #expect(entry["type"] as? String == "histogram")
        #expect(entry["unit"] as? String == "seconds")
        _ = try await pivot.stop()
    }

    @Test func aGRPCMessageThatCannotBeReadIsInvalidArgument() async throws {
        // Garbage on MetricsService/Export is INVALID_ARGUMENT with the reason (exporters do not retry it).
        let grpcPort = freePort()
        let pivot = try PivotProcess(extraArguments: ["--otlp.grpc-listen-address=127.0.0.1:\(grpcPort)"])
        try await pivot.waitUntilReady()
        let output = try PythonRun.run(["-c", """
            import grpc, sys
            channel = grpc.insecure_channel("127.0.0.1:\(grpcPort)")
            call = channel.unary_unary("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
            try:
                call(b"\\x0a\\x05\\x12", timeout=5)
                print("OK")
            except grpc.RpcError as e:
                print(e.code().name, e.details())
            """]).output
        #expect(output.hasPrefix("INVALID_ARGUMENT cannot read the metrics export request"), "\(output)")
        _ = try await pivot.stop()
    }
}
