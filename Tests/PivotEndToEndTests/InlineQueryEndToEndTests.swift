import Foundation
import Testing

/// Queries answered by the connection itself once known to be quick (`InlineRoutes`), against the
/// real binary over keep-alive connections: the same bytes as the router's answer, answers in the
/// order of pipelined requests, every request counted, and credentials still required.
@Suite struct InlineQueryEndToEndTests {
    /// The value of `pivot_http_requests_total{handler="/api/v1/query",code="200"}`.
    static func queriesCounted(_ raw: RawHTTP) throws -> Double {
        let text = try raw.get("/metrics").text
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("pivot_http_requests_total{") && $0.contains("handler=\"/api/v1/query\"") && $0.contains("code=\"200\"")
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func repeatedAndPipelinedQueriesGetTheRoutersBytesInOrderAndAreCounted() async throws {
        let fixture = try await HostileFixture.start()
        // Whole seconds, at or just after the seed samples, so the answer's timestamp is written as the
        // test writes it (a fraction would be printed with three digits, `.370`, as Prometheus does).
        let time = (fixture.now + 999) / 1000
        let instant = "/api/v1/query?query=sum(seed_metric)&time=\(time)"
        let range = "/api/v1/query_range?query=count(seed_metric)&start=\(time - 600)&end=\(time)&step=60"
        let form = "query=max%28seed_metric%29&time=\(time)"
        let connection = try KeepAliveHTTP(port: fixture.pivot.webPort)
        let before = try Self.queriesCounted(fixture.raw)

        // Five of each on one connection: the first goes to the router and makes the query known,
        // the rest are answered by the connection. All must be the same.
        var bodies: [String: Set<String>] = [:]
        for (name, request) in [("instant", connection.get(instant)), ("range", connection.get(range)), ("form", connection.postForm("/api/v1/query", form))] {
            for _ in 0..<5 {
                try connection.send(request)
                let response = try connection.readResponse()
                #expect(response.status == 200, "\(name): \(response.text)")
                #expect(response.headers["content-type"] == "application/json", "\(name)")
                #expect(response.headers["date"]?.hasSuffix(" GMT") == true, "\(name)")
                bodies[name, default: []].insert(response.text)
            }
        }
        #expect(bodies.mapValues(\.count) == ["instant": 1, "range": 1, "form": 1])
        #expect(bodies["instant"]?.first?.contains(#""value":[\#(time),"45"]"#) == true, "\(bodies["instant"] ?? [])")
        #expect(bodies["form"]?.first?.contains(#""9"]"#) == true, "\(bodies["form"] ?? [])")

        // Pipelined in one write: known queries between requests only the router answers. The answers
        // must come back in the order asked.
        try connection.send(
            connection.get(instant) + connection.get("/api/v1/status/buildinfo") + connection.get(instant)
                + connection.get("/api/v1/label/instance/values") + connection.postForm("/api/v1/query", form) + connection.get(range))
        let pipelined = try (0..<6).map { _ in try connection.readResponse() }
        #expect(pipelined.map(\.status) == [200, 200, 200, 200, 200, 200])
        #expect(pipelined[0].text == bodies["instant"]?.first)
        #expect(pipelined[1].text.contains("\"goVersion\""), "\(pipelined[1].text)")
        #expect(pipelined[2].text == bodies["instant"]?.first)
        #expect(pipelined[3].text.contains("\"i9\""), "\(pipelined[3].text)")
        #expect(pipelined[4].text == bodies["form"]?.first)
        #expect(pipelined[5].text == bodies["range"]?.first)

        // 10 form and instant queries before, 3 pipelined: each counted once, wherever it was answered.
        #expect(try Self.queriesCounted(fixture.raw) - before == 13)
        try await fixture.stop()
    }

    @Test func aKnownQueryStillNeedsValidCredentials() async throws {
        // Once the query is known to be quick, verified credentials are answered on the connection;
        // missing or wrong ones still get the router's 401, every time.
        let webConfig = try WebConfigFixture("basic_auth_users:\n  alice: \(WebConfigFixture.aliceHash)\n")
        let pivot = try PivotProcess(extraArguments: ["--web.config.file=\(webConfig.path)"])
        try await pivot.waitUntilReady()
        let connection = try KeepAliveHTTP(port: pivot.webPort)
        func query(_ authorization: String?) throws -> RawHTTP.Response {
            let header = authorization.map { "Authorization: \($0)\r\n" } ?? ""
            try connection.send(Array("GET /api/v1/query?query=vector(3)&time=10 HTTP/1.1\r\nHost: x\r\n\(header)\r\n".utf8))
            return try connection.readResponse()
        }
        let wrong = "Basic " + Data("alice:wrong horse".utf8).base64EncodedString()
        for _ in 0..<3 {
            let granted = try query(WebConfigFixture.alice)
            #expect(granted.status == 200)
            #expect(granted.text == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[10,"3"]}]}}"#)
            #expect(try query(nil).status == 401)
            #expect(try query(wrong).status == 401)
            #expect(try query("Bearer nope").status == 401)
        }
        _ = try await pivot.stop()
    }
}
