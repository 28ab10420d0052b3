import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The OpenTelemetry Python SDK exports a nested trace (and a histogram with a trace-based exemplar)
/// to the real `pivot` binary over each transport; the trace is read back by id as Tempo protobuf,
/// Tempo JSON and Jaeger JSON and compared field by field with what the SDK sent, and the exemplar's
/// trace id is the one returned by `/api/v1/query_exemplars` (`Support/otlp_traces_client.py`).
@Suite(.serialized) struct OTLPTracesTests {
    static var clientScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/otlp_traces_client.py").path
    }

    @Test(arguments: ["grpc", "http-proto", "http-json"])
    func aTraceSentByTheSDKComesBackFieldForFieldInEveryFormat(transport: String) async throws {
        // Tempo v2 protobuf, Tempo v1 JSON and Jaeger JSON all return every span as sent; the exemplar resolves.
        let grpcPort = freePort()
        let pivot = try PivotProcess(extraArguments: ["--otlp.grpc-listen-address=127.0.0.1:\(grpcPort)"])
        try await pivot.waitUntilReady()
        let endpoint = transport == "grpc" ? "127.0.0.1:\(grpcPort)" : "http://127.0.0.1:\(pivot.otlpHTTPPort)"
        let run = try PythonRun.run([
            Self.clientScript, "--transport", transport, "--endpoint", endpoint, "--metrics-endpoint", endpoint,
            "--pivot-url", pivot.baseURL,
        ])
        #expect(run.status == 0, "\(run.output)\n\(run.errors)\n\(pivot.stderr)")
        #expect(run.output.contains("\"exemplar\": true"), "\(run.output)")
        _ = try await pivot.stop()
    }

    @Test func unknownAndMalformedTraceIdsAnswer404And400() async throws {
        // An id nobody sent is 404 on every lookup path; a non-hex id is 400 naming it.
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        func status(_ path: String, accept: String? = nil) async throws -> Int {
            var request = URLRequest(url: URL(string: pivot.baseURL + path)!)
            if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as! HTTPURLResponse).statusCode
        }
        #expect(try await status("/api/v2/traces/abc123", accept: "application/protobuf") == 404)
        #expect(try await status("/api/traces/abc123") == 404)
        #expect(try await status("/jaeger/api/traces/abc123") == 404)
        #expect(try await status("/api/v2/traces/not-hex") == 400)
        #expect(try await status("/api/echo") == 200)
        #expect(try await status("/jaeger/api/services") == 200)
        _ = try await pivot.stop()
    }
}
