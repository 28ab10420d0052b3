import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PivotModel
import PivotRemoteWrite
import Testing

/// `--web.config.file` against the real binary over real connections: Basic and Bearer credentials
/// on HTTP, role separation, TLS on every listener (certificates made by `openssl` here), and the
/// OTLP/gRPC listener driven by the OpenTelemetry Python SDK.
@Suite(.serialized) struct AuthenticationTests {
    static var clientScript: String { OTLPMetricsTests.clientScript }

    static let rolesConfig = """
        basic_auth_users:
          alice: \(WebConfigFixture.aliceHash)
        bearer_tokens:
          - name: collector
            token: ingest-token
          - name: grafana
            token: query-token
        authorization:
          ingest: [collector, alice]
          query: [grafana, alice]
        """

    static func start(_ fixture: WebConfigFixture, grpcPort: Int? = nil) throws -> PivotProcess {
        try PivotProcess(extraArguments: ["--web.config.file=\(fixture.path)"]
            + (grpcPort.map { ["--otlp.grpc-listen-address=127.0.0.1:\($0)"] } ?? []))
    }

    static func batch(_ name: String, value: Double) -> WriteBatch {
        var batch = WriteBatch()
        batch.append(
            labels: Labels(["__name__": name, "job": "auth"]),
            sample: Sample(timestamp: Int64(Date().timeIntervalSince1970 * 1000), value: value))
        return batch
    }

    /// Posts `batch` as remote-write 1.0 with curl (plus `extra` options); returns the status.
    static func curlRemoteWrite(_ base: String, _ batch: WriteBatch, _ extra: [String] = []) throws -> Int {
        let file = PivotProcess.temporaryDirectory("pivot-rw-body") + "/body"
        try Data(RemoteWriteEncoder().encodeCompressed(batch, version: .v1)).write(to: URL(fileURLWithPath: file))
        return try CurlResponse.run(base + "/api/v1/write", [
            "-X", "POST", "--data-binary", "@" + file, "-H", "Content-Type: application/x-protobuf",
            "-H", "Content-Encoding: snappy",
        ] + extra).status
    }

    /// Runs the SDK metrics client; returns its exit status and what it printed.
    static func export(transport: String, endpoint: String, service: String, headers: [String] = [], caFile: String? = nil) throws -> PythonRun {
        var arguments = [clientScript, "--transport", transport, "--endpoint", endpoint, "--service-name", service, "--timeout", "5"]
        for header in headers { arguments += ["--header", header] }
        if let caFile { arguments += ["--ca-file", caFile] }
        return try PythonRun.run(arguments)
    }

    /// The first sample value of an instant query, read with `credentials` over `base`.
    static func queryValue(_ base: String, _ query: String, _ extra: [String]) throws -> String? {
        let response = try CurlResponse.run(base + "/api/v1/query?query=" + query, extra)
        guard response.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
              let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]]
        else { return nil }
        return (result.first?["value"] as? [Any])?.last as? String
    }

    @Test func basicAuthGuardsQueriesAndWritesButNotTheProbes() async throws {
        // Without credentials or with a wrong password: 401 and a Basic challenge; with them: 200/204; probes stay open.
        let fixture = try WebConfigFixture("basic_auth_users:\n  alice: \(WebConfigFixture.aliceHash)\n")
        let pivot = try Self.start(fixture)
        try await pivot.waitUntilReady()

        let anonymous = try CurlResponse.run(pivot.baseURL + "/api/v1/query?query=up")
        #expect(anonymous.status == 401)
        #expect(anonymous.values(of: "www-authenticate") == ["Basic realm=\"pivot\""])
        let wrong = try CurlResponse.run(pivot.baseURL + "/api/v1/query?query=up", ["-u", "alice:wrong horse"])
        #expect(wrong.status == 401)
        let unknown = try CurlResponse.run(pivot.baseURL + "/api/v1/labels", ["-u", "mallory:correct horse"])
        #expect(unknown.status == 401)
        #expect(try CurlResponse.run(pivot.baseURL + "/metrics").status == 401)
        #expect(try CurlResponse.run(pivot.baseURL + "/-/healthy").status == 200)

        // Sent by curl: FoundationNetworking's URLSession does not return a 401 that carries a challenge.
        #expect(try Self.curlRemoteWrite(pivot.baseURL, Self.batch("auth_basic", value: 7)) == 401)
        var authorized = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
        authorized.headers = ["Authorization": WebConfigFixture.alice]
        #expect(try await authorized.send(Self.batch("auth_basic", value: 7)).status == 204)
        #expect(try Self.queryValue(pivot.baseURL, "auth_basic", ["-u", "alice:correct horse"]) == "7")
        // The cached verification still answers the same credentials after many requests.
        for _ in 0..<5 {
            #expect(try CurlResponse.run(pivot.baseURL + "/api/v1/labels", ["-u", "alice:correct horse"]).status == 200)
        }
        _ = try await pivot.stop()
    }

    @Test func bearerTokensGuardHTTPAndTheOTLPListener() async throws {
        // A configured bearer token queries and exports over OTLP/HTTP; a wrong one is 401 with a Bearer challenge.
        let fixture = try WebConfigFixture("bearer_tokens:\n  - name: agent\n    token: s3cret-token\n")
        let pivot = try Self.start(fixture)
        try await pivot.waitUntilReady()

        let wrong = try CurlResponse.run(pivot.baseURL + "/api/v1/labels", ["-H", "Authorization: Bearer s3cret-tokem"])
        #expect(wrong.status == 401)
        #expect(wrong.values(of: "www-authenticate") == ["Bearer realm=\"pivot\""])
        #expect(try CurlResponse.run(pivot.baseURL + "/api/v1/labels", ["-H", "Authorization: Bearer s3cret-token"]).status == 200)

        let endpoint = "http://127.0.0.1:\(pivot.otlpHTTPPort)"
        let refused = try Self.export(transport: "http-proto", endpoint: endpoint, service: "bearer-anon")
        #expect(refused.status != 0, "\(refused.output)")
        let exported = try Self.export(
            transport: "http-proto", endpoint: endpoint, service: "bearer-http", headers: ["authorization=Bearer s3cret-token"])
        #expect(exported.status == 0, "\(exported.output) \(exported.errors)")
        #expect(try Self.queryValue(
            pivot.baseURL, "sum(pivot_e2e_requests_total%7Bjob%3D%22bearer-http%22%7D)", ["-H", "Authorization: Bearer s3cret-token"]) == "3")
        // The OTLP/HTTP listener's /metrics needs credentials too; its probes do not.
        #expect(try CurlResponse.run(endpoint + "/metrics").status == 401)
        #expect(try CurlResponse.run(endpoint + "/-/ready").status == 200)
        _ = try await pivot.stop()
    }

    @Test func ingestCredentialsCannotQueryAndQueryCredentialsCannotWrite() async throws {
        // With authorization roles, the collector's token writes but gets 403 on queries, Grafana's token the reverse.
        let fixture = try WebConfigFixture(Self.rolesConfig)
        let pivot = try Self.start(fixture)
        try await pivot.waitUntilReady()

        var collector = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
        collector.headers = ["Authorization": "Bearer ingest-token"]
        #expect(try await collector.send(Self.batch("auth_roles", value: 42)).status == 204)
        var grafana = collector
        grafana.headers = ["Authorization": "Bearer query-token"]
        let write = try await grafana.send(Self.batch("auth_roles", value: 1))
        #expect(write.status == 403, "\(write.body)")

        let collectorQuery = try CurlResponse.run(pivot.baseURL + "/api/v1/query?query=auth_roles", ["-H", "Authorization: Bearer ingest-token"])
        #expect(collectorQuery.status == 403)
        #expect(collectorQuery.body.contains("collector may not query"))
        #expect(try Self.queryValue(pivot.baseURL, "auth_roles", ["-H", "Authorization: Bearer query-token"]) == "42")
        #expect(try CurlResponse.run(
            pivot.baseURL + "/api/v2/search/tags", ["-H", "Authorization: Bearer ingest-token"]).status == 403)

        // OTLP/HTTP on both listeners follows the same roles.
        for path in ["http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/metrics", pivot.baseURL + "/api/v1/otlp/v1/metrics"] {
            let post = ["-X", "POST", "-H", "Content-Type: application/x-protobuf", "--data-binary", ""]
            #expect(try CurlResponse.run(path, post + ["-H", "Authorization: Bearer query-token"]).status == 403, "\(path)")
            #expect(try CurlResponse.run(path, post + ["-H", "Authorization: Bearer ingest-token"]).status == 200, "\(path)")
        }
        // alice has both roles.
        #expect(try Self.queryValue(pivot.baseURL, "auth_roles", ["-u", "alice:correct horse"]) == "42")
        _ = try await pivot.stop()
    }

    @Test func theGRPCListenerNeedsIngestCredentials() async throws {
        // The SDK's gRPC exporter fails without credentials (UNAUTHENTICATED) or with query credentials
        // (PERMISSION_DENIED) and succeeds with ingest credentials.
        let fixture = try WebConfigFixture(Self.rolesConfig)
        let grpcPort = freePort()
        let pivot = try Self.start(fixture, grpcPort: grpcPort)
        try await pivot.waitUntilReady()
        let endpoint = "127.0.0.1:\(grpcPort)"

        let anonymous = try Self.export(transport: "grpc", endpoint: endpoint, service: "grpc-anon")
        #expect(anonymous.status == 1, "\(anonymous.output)")
        let codes = try PythonRun.run(["-c", """
            import grpc
            channel = grpc.insecure_channel("\(endpoint)")
            call = channel.unary_unary("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
            for metadata in [None, (("authorization", "Bearer wrong"),), (("authorization", "Bearer query-token"),),
                             (("authorization", "Bearer ingest-token"),)]:
                try:
                    call(b"", timeout=5, metadata=metadata)
                    print("OK")
                except grpc.RpcError as e:
                    print(e.code().name)
            """])
        #expect(codes.output.split(separator: "\n") == ["UNAUTHENTICATED", "UNAUTHENTICATED", "PERMISSION_DENIED", "OK"], "\(codes.errors)")

        let exported = try Self.export(
            transport: "grpc", endpoint: endpoint, service: "grpc-auth", headers: ["authorization=Bearer ingest-token"])
        #expect(exported.status == 0, "\(exported.output) \(exported.errors)")
        #expect(try Self.queryValue(
            pivot.baseURL, "sum(pivot_e2e_requests_total%7Bjob%3D%22grpc-auth%22%7D)", ["-H", "Authorization: Bearer query-token"]) == "3")
        _ = try await pivot.stop()
    }

    @Test func tlsServesEveryListenerWithTheSameCertificate() async throws {
        // With tls_server_config the web, OTLP/HTTP and OTLP/gRPC listeners speak TLS only; clients that trust the
        // certificate export and query with credentials, plain HTTP gets no answer.
        let fixture = try WebConfigFixture(Self.rolesConfig, tls: true)
        let grpcPort = freePort()
        let pivot = try Self.start(fixture, grpcPort: grpcPort)
        let web = "https://localhost:\(pivot.webPort)"
        let trust = ["--cacert", fixture.certificatePath]
        let deadline = ContinuousClock.now + .seconds(30)
        while try CurlResponse.run(web + "/-/ready", trust).status != 200 {
            guard pivot.process.isRunning, ContinuousClock.now < deadline else {
                Issue.record("pivot not ready over TLS: \(pivot.stderr)")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }

        #expect(try CurlResponse.run(web + "/api/v1/labels", trust).status == 401)
        #expect(try CurlResponse.run(web + "/api/v1/labels", trust + ["-u", "alice:correct horse"]).status == 200)
        // An untrusted certificate is refused by the client; plain HTTP to the TLS port gets no HTTP answer.
        #expect(try CurlResponse.run(web + "/-/ready").exitCode != 0)
        #expect(try CurlResponse.run("http://127.0.0.1:\(pivot.webPort)/-/ready").status != 200)
        #expect(try CurlResponse.run("http://127.0.0.1:\(pivot.otlpHTTPPort)/-/ready").status != 200)

        let grpc = try Self.export(
            transport: "grpc", endpoint: "localhost:\(grpcPort)", service: "tls-grpc",
            headers: ["authorization=Bearer ingest-token"], caFile: fixture.certificatePath)
        #expect(grpc.status == 0, "\(grpc.output) \(grpc.errors)")
        let grpcWithoutCredentials = try Self.export(
            transport: "grpc", endpoint: "localhost:\(grpcPort)", service: "tls-grpc-anon", caFile: fixture.certificatePath)
        #expect(grpcWithoutCredentials.status == 1)
        let grpcPlaintext = try Self.export(
            transport: "grpc", endpoint: "localhost:\(grpcPort)", service: "tls-grpc-plain", headers: ["authorization=Bearer ingest-token"])
        #expect(grpcPlaintext.status == 1)
        let http = try Self.export(
            transport: "http-proto", endpoint: "https://localhost:\(pivot.otlpHTTPPort)", service: "tls-http",
            headers: ["authorization=Bearer ingest-token"], caFile: fixture.certificatePath)
        #expect(http.status == 0, "\(http.output) \(http.errors)")

        let auth = trust + ["-H", "Authorization: Bearer query-token"]
        #expect(try Self.queryValue(web, "sum(pivot_e2e_requests_total%7Bjob%3D%22tls-grpc%22%7D)", auth) == "3")
        #expect(try Self.queryValue(web, "sum(pivot_e2e_requests_total%7Bjob%3D%22tls-http%22%7D)", auth) == "3")
        #expect(try Self.queryValue(web, "count(pivot_e2e_requests_total%7Bjob%3D~%22tls-grpc-.%2B%22%7D)", auth) == nil)
        _ = try await pivot.stop()
    }

    @Test func anInvalidWebConfigStopsPivotBeforeItListens() async throws {
        // An unknown key, a bad bcrypt hash or a certificate that is not PEM: pivot exits 2 naming the flag and the
        // reason, and never answers on its port.
        let notPEM = try WebConfigFixture("")
        try "not a certificate".write(toFile: notPEM.directory + "/bad.crt", atomically: true, encoding: .utf8)
        try "tls_server_config:\n  cert_file: bad.crt\n  key_file: bad.crt\n".write(toFile: notPEM.path, atomically: true, encoding: .utf8)
        let cases: [(WebConfigFixture, String)] = [
            (try WebConfigFixture("basic_auth_users:\n  alice: \(WebConfigFixture.aliceHash)\nbasic_auth_user: {}\n"),
             "basic_auth_user: unknown key"),
            (try WebConfigFixture("basic_auth_users:\n  alice: $2b$04$short\n"), "basic_auth_users.alice: a bcrypt hash has 60 characters"),
            (notPEM, "tls_server_config.cert_file"),
        ]
        for (fixture, message) in cases {
            let pivot = try Self.start(fixture)
            let status = try await pivot.waitForExit()
            #expect(status == 2)
            #expect(pivot.stderr.contains("--web.config.file"), "\(pivot.stderr)")
            #expect(pivot.stderr.contains(message), "\(pivot.stderr)")
            #expect(try CurlResponse.run(pivot.baseURL + "/-/ready").status == 0)
        }
    }
}
