import Hummingbird
import HummingbirdTesting
import PivotAuth
@testable import PivotHTTP
import Testing

@Suite struct AuthenticationMiddlewareTests {
    static let aliceHash = "$2b$04$BTDswjnDtWOeaJKInezMceaC0TKQsNUPL3qZklki2LDe9WuN3BTOm"  // "correct horse", Python bcrypt
    static let alice = "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=="  // alice:correct horse

    func makeApplication() throws -> some ApplicationProtocol {
        let authenticator = try Authenticator(
            users: ["alice": BcryptHash(Self.aliceHash)],
            bearerTokens: [.init(name: "collector", token: "w"), .init(name: "grafana", token: "r")],
            roleMembers: [.ingest: ["collector", "alice"], .query: ["grafana", "alice"]])
        let router = Router()
        router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        router.get("/-/ready") { _, _ in "ready" }
        router.get("/-/healthy") { _, _ in "healthy" }
        router.get("/api/v1/query") { _, _ in "result" }
        router.post("/api/v1/write") { _, _ in Response(status: .noContent) }
        router.post("/v1/traces") { _, _ in "ok" }
        return Application(router: router)
    }

    @Test func probesAnswerWithoutCredentials() async throws {
        // /-/ready and /-/healthy stay open so that load balancers can probe without secrets.
        try await makeApplication().test(.router) { client in
            try await client.execute(uri: "/-/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/-/healthy", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func missingOrWrongCredentialsAre401WithBothChallenges() async throws {
        // No credentials and wrong credentials get 401 with WWW-Authenticate for Basic and Bearer; the handler never runs.
        try await makeApplication().test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer nope"], [.authorization: "Basic YWxpY2U6d3Jvbmc="]] {
                try await client.execute(uri: "/api/v1/query", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[values: .wwwAuthenticate] == ["Basic realm=\"pivot\"", "Bearer realm=\"pivot\""])
                    #expect(String(buffer: response.body) != "result")
                }
            }
            try await client.execute(uri: "/api/v1/write", method: .post) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func eachRoleReachesOnlyItsRoutes() async throws {
        // Ingest credentials write but cannot query (403); query credentials query but cannot write (403).
        try await makeApplication().test(.router) { client in
            try await client.execute(uri: "/api/v1/write", method: .post, headers: [.authorization: "Bearer w"]) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/traces", method: .post, headers: [.authorization: "Bearer w"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/query", method: .get, headers: [.authorization: "Bearer w"]) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("collector may not query"))
            }
            try await client.execute(uri: "/api/v1/query", method: .get, headers: [.authorization: "Bearer r"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "result")
            }
            try await client.execute(uri: "/api/v1/write", method: .post, headers: [.authorization: "Bearer r"]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/query", method: .get, headers: [.authorization: Self.alice]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/write", method: .post, headers: [.authorization: Self.alice]) {
                #expect($0.status == .noContent)
            }
        }
    }

    @Test(arguments: [
        ("/-/healthy", nil), ("/-/ready", nil),
        ("/api/v1/write", AccessRole.ingest), ("/api/v1/otlp/v1/metrics", .ingest), ("/v1/metrics", .ingest),
        ("/v1/traces", .ingest), ("/v1/logs", .ingest),
        ("/api/v1/query", .query), ("/api/v1/series", .query), ("/metrics", .query), ("/api/v2/traces/abc", .query),
        ("/jaeger/api/services", .query), ("/api/search", .query), ("/api/v1/status/buildinfo", .query), ("/unknown", .query),
        ("/-/ready/x", .query),
    ] as [(String, AccessRole?)])
    func pathsMapToTheirRole(path: String, role: AccessRole?) {
        // Ingest paths need ingest, the probes nothing, everything else query.
        #expect(RouteAccess.role(forPath: path) == role)
    }
}
