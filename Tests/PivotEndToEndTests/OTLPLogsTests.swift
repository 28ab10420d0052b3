import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite(.serialized) struct OTLPLogsTests {
    /// Runs a Python script with the OpenTelemetry SDK; returns its exit status and output.
    static func python(_ script: String) throws -> (Int32, String) {
        let run = try PythonRun.run(["-c", script])
        return (run.status, run.output + run.errors)
    }

    static func exportLogs(exporter: String) -> String {
        """
        import logging, sys
        from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
        from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
        \(exporter)
        results = []
        class Recording:
            def __init__(self, inner): self.inner = inner
            def export(self, batch):
                result = self.inner.export(batch); results.append(result); return result
            def shutdown(self): self.inner.shutdown()
            def force_flush(self, timeout_millis=30000): return True
        provider = LoggerProvider()
        provider.add_log_record_processor(SimpleLogRecordProcessor(Recording(exporter)))
        log = logging.getLogger("pivot-e2e")
        log.addHandler(LoggingHandler(logger_provider=provider))
        log.warning("first"); log.warning("second")
        provider.shutdown()
        print(results)
        sys.exit(0 if results and all(r.name == "SUCCESS" for r in results) else 1)
        """
    }

    @Test func theOpenTelemetrySDKExportsLogsOverGRPCAndHTTPWithoutRetrying() async throws {
        // Pivot does not store logs, but answers OTLP logs exports with success (partial_success) on
        // 4317 and 4318, so an SDK pointed at Pivot for every signal does not fail or retry.
        let grpcPort = freePort()
        let pivot = try PivotProcess(extraArguments: ["--otlp.grpc-listen-address=127.0.0.1:\(grpcPort)"])
        try await pivot.waitUntilReady()
        let grpc = try Self.python(Self.exportLogs(exporter: """
            from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
            exporter = OTLPLogExporter(endpoint="127.0.0.1:\(grpcPort)", insecure=True, timeout=5)
            """))
        #expect(grpc.0 == 0, "\(grpc.1)")
        let http = try Self.python(Self.exportLogs(exporter: """
            from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
            from opentelemetry.exporter.otlp.proto.http import Compression
            exporter = OTLPLogExporter(endpoint="http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/logs", timeout=5, compression=Compression.Gzip)
            """))
        #expect(http.0 == 0, "\(http.1)")
        let metrics = try await fetchText(pivot.baseURL + "/metrics")
        #expect(metrics.contains("pivot_otlp_log_records_rejected_total{transport=\"grpc\"} 2"), "\(metrics)")
        #expect(metrics.contains("pivot_otlp_log_records_rejected_total{transport=\"http\"} 2"))
        _ = try await pivot.stop()
    }

    @Test func otlpJSONLogsGetPartialSuccessAndBadBodiesGet400() async throws {
        // The upstream logs example is answered with its record count rejected; garbage is 400, XML 415.
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        var url = URL(fileURLWithPath: #filePath)
        var example: Data?
        while url.path != "/" {
            url.deleteLastPathComponent()
            if let data = FileManager.default.contents(atPath: url.path + "/shared/reference/otlp-examples/logs.json") {
                example = data
                break
            }
        }
        let body = try #require(example)
        let base = "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/logs"
        func post(_ data: Data, _ type: String) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: base)!)
            request.httpMethod = "POST"
            request.httpBody = data
            request.setValue(type, forHTTPHeaderField: "Content-Type")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        let ok = try await post(body, "application/json")
        #expect(ok.0 == 200)
        #expect(ok.1.contains("\"rejectedLogRecords\":\"1\""), "\(ok.1)")
        let bad = try await post(Data("{not json".utf8), "application/json")
        #expect(bad.0 == 400)
        #expect(bad.1.contains("\"message\""))
        let xml = try await post(Data("<x/>".utf8), "application/xml")
        #expect(xml.0 == 415)
        _ = try await pivot.stop()
    }
}
