import Foundation
import Hummingbird
import HummingbirdTesting
@testable import PivotHTTP
import Testing

struct FixedMetrics: MetricsExposition {
    func render() -> [UInt8] { Array("pivot_build_info{version=\"0.1.0\"} 1\n".utf8) }
}

@Suite struct OperationsRoutesTests {
    let buildInfo = BuildInfo(
        version: "0.1.0", prometheusCompatibleVersion: "3.5.0", revision: "abc", branch: "main",
        buildUser: "pivot", buildDate: "2026-11-26", swiftVersion: "swift6.3")

    func makeApplication(readiness: Readiness) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware())
        OperationsRoutes(buildInfo: buildInfo, readiness: readiness, metrics: FixedMetrics()).register(on: router)
        return Application(router: router)
    }

    @Test func readyIsServiceUnavailableUntilStorageIsOpen() async throws {
        // /-/ready answers 503 before markReady and 200 after; /-/healthy is always 200.
        let readiness = Readiness()
        try await makeApplication(readiness: readiness).test(.router) { client in
            try await client.execute(uri: "/-/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/-/healthy", method: .get) { #expect($0.status == .ok) }
            readiness.markReady()
            try await client.execute(uri: "/-/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func wrongMethodsAre405WithAllowAndAReason() async throws {
        // A known path asked with a method it does not serve is 405 naming the allowed ones; an unknown path stays 404.
        try await makeApplication(readiness: Readiness()).test(.router) { client in
            for (uri, method, allow) in [("/-/healthy", HTTPRequest.Method.post, "GET, HEAD"), ("/-/ready", .delete, "GET, HEAD"),
                                         ("/metrics", .put, "GET"), ("/api/v1/status/buildinfo", .patch, "GET")] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow)
                    #expect(String(buffer: response.body).contains("method \(method.rawValue) not allowed on \(uri)"))
                }
            }
            try await client.execute(uri: "/-/healthy", method: .head) { #expect($0.status == .ok) }
            try await client.execute(uri: "/nope", method: .post) { #expect($0.status == .notFound) }
        }
    }

    @Test func buildInfoHasPrometheusShapeWithoutFeatures() async throws {
        // buildinfo is {status, data:{version, revision, branch, buildUser, buildDate, goVersion}} with no features.
        try await makeApplication(readiness: Readiness()).test(.router) { client in
            try await client.execute(uri: "/api/v1/status/buildinfo", method: .get) { response in
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as! [String: Any]
                #expect(object["status"] as? String == "success")
                let data = object["data"] as! [String: String]
                #expect(data["version"] == "3.5.0")
                #expect(data["revision"] == "abc")
                #expect(Set(data.keys) == ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"])
            }
        }
    }

    @Test func metricsAreServedAsPrometheusText() async throws {
        // /metrics returns the exposition with the text format content type.
        try await makeApplication(readiness: Readiness()).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("pivot_build_info"))
            }
        }
    }

    @Test func jsonStringsEscapeControlCharacters() {
        // Hand-built JSON escapes quotes, backslashes and control characters.
        #expect(JSONString.quote("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }
}
