import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

/// Hostile requests to the Prometheus query API against the real binary: each gets a clear 4xx
/// (`bad_data` 400 or 405), the server keeps serving, and the data written before is all still there.
@Suite(.serialized) struct HostilePromQLAPITests {
    static func badData(_ name: String, _ target: String, says: String = "bad_data") -> HostileCase {
        HostileCase(name, "GET", target, status: 400, says: says)
    }

    static let badTimes: [HostileCase] = {
        var cases: [HostileCase] = []
        for value in ["NaN", "Inf", "%2BInf", "-Inf", "1e400", "-1e400", "nope", "%FF%FE"] {
            cases.append(badData("query time=\(value)", "/api/v1/query?query=seed_metric&time=\(value)", says: "time"))
            cases.append(badData("query_range start=\(value)", "/api/v1/query_range?query=seed_metric&start=\(value)&end=10&step=1", says: "start"))
            cases.append(badData("query_range end=\(value)", "/api/v1/query_range?query=seed_metric&start=0&end=\(value)&step=1", says: "end"))
            cases.append(badData("query_range step=\(value)", "/api/v1/query_range?query=seed_metric&start=0&end=10&step=\(value)", says: "step"))
            cases.append(badData("series start=\(value)", "/api/v1/series?match[]=seed_metric&start=\(value)", says: "start"))
            cases.append(badData("labels end=\(value)", "/api/v1/labels?end=\(value)", says: "end"))
            cases.append(badData("label values start=\(value)", "/api/v1/label/instance/values?start=\(value)", says: "start"))
            cases.append(badData("exemplars end=\(value)", "/api/v1/query_exemplars?query=seed_metric&end=\(value)", says: "end"))
            cases.append(badData("query timeout=\(value)", "/api/v1/query?query=seed_metric&timeout=\(value)", says: "timeout"))
        }
        cases += [
            badData("negative step", "/api/v1/query_range?query=seed_metric&start=0&end=10&step=-1", says: "step"),
            badData("zero step", "/api/v1/query_range?query=seed_metric&start=0&end=10&step=0", says: "step"),
            badData("huge step", "/api/v1/query_range?query=seed_metric&start=0&end=10&step=1e300", says: "step"),
            badData("too many points", "/api/v1/query_range?query=seed_metric&start=0&end=100000000&step=1", says: "11,000 points"),
            badData("end before start", "/api/v1/query_range?query=seed_metric&start=10&end=0&step=1", says: "end"),
            badData("missing step", "/api/v1/query_range?query=seed_metric&start=0&end=10", says: "step"),
            badData("series without match[]", "/api/v1/series", says: "match[]"),
            badData("series bad selector", "/api/v1/series?match[]=%7Ba%3D", says: "match[]"),
            badData("series negative limit", "/api/v1/series?match[]=seed_metric&limit=-1", says: "limit"),
            badData("labels limit not a number", "/api/v1/labels?limit=abc", says: "limit"),
            badData("metadata limit_per_metric not a number", "/api/v1/metadata?limit_per_metric=abc", says: "limit_per_metric"),
            badData("tsdb status negative limit", "/api/v1/status/tsdb?limit=-1", says: "limit"),
            badData("tsdb status limit not a number", "/api/v1/status/tsdb?limit=1e99", says: "limit"),
            badData("empty query", "/api/v1/query?query=", says: "no expression"),
            badData("format_query of garbage", "/api/v1/format_query?query=%29%28", says: "query"),
            badData("parse_query of garbage", "/api/v1/parse_query?query=sum%28", says: "query"),
            badData("invalid UTF-8 query", "/api/v1/query?query=seed_metric%FF", says: "bad_data"),
            badData("invalid UTF-8 matcher value", "/api/v1/query?query=seed_metric%7Binstance%3D%22%FF%22%7D", says: "bad_data"),
            badData("invalid regex", "/api/v1/query?query=seed_metric%7Binstance%3D~%22%28%22%7D", says: "regex"),
            badData("regex nested past the limit", "/api/v1/query?query=" + RawHTTP.formEncode(
                "seed_metric{instance=~\"" + String(repeating: "(", count: 2_000) + "a" + String(repeating: ")", count: 2_000) + "\"}"), says: "bad_data"),
        ]
        return cases
    }()

    @Test func badTimesStepsLimitsAndQueriesAre400() async throws {
        // NaN, ±Inf, overflowing and malformed times and durations, bad limits and bad queries: 400 bad_data naming the parameter.
        let fixture = try await HostileFixture.start()
        for hostile in Self.badTimes { try hostile.check(on: fixture) }
        try fixture.expectIntact("bad parameters")
        try await fixture.stop()
    }

    @Test func deepNestingAndMegabyteQueriesAreAnsweredClearly() async throws {
        // 100,000-deep parentheses and operator chains are 400; a 1 MB query is parsed and answered.
        let fixture = try await HostileFixture.start()
        let deep = String(repeating: "(", count: 100_000) + "seed_metric" + String(repeating: ")", count: 100_000)
        let chain = Array(repeating: "seed_metric", count: 100_000).joined(separator: " + ")
        let functions = String(repeating: "abs(", count: 100_000) + "seed_metric" + String(repeating: ")", count: 100_000)
        let unary = String(repeating: "-", count: 100_000) + "seed_metric"
        for (name, query) in [("parentheses", deep), ("a + chain", chain), ("nested calls", functions), ("unary minus", unary)] {
            for path in ["/api/v1/query", "/api/v1/query_range", "/api/v1/format_query", "/api/v1/parse_query", "/api/v1/query_exemplars"] {
                let response = try fixture.raw.postForm(path, [("query", query), ("start", "0"), ("end", "60"), ("step", "15")])
                #expect(response.status == 400, "\(name) at \(path): \(response.status) \(response.text.prefix(200))")
                #expect(response.text.contains("too deeply"), "\(name) at \(path): \(response.text.prefix(200))")
            }
            let series = try fixture.raw.postForm("/api/v1/series", [("match[]", query)])
            #expect(series.status == 400, "\(name) as match[]: \(series.status)")
        }
        // A matcher with a 1 MB value is a valid query that matches nothing.
        let megabyte = "seed_metric{instance=\"" + String(repeating: "x", count: 1 << 20) + "\"}"
        let answer = try fixture.raw.postForm("/api/v1/query", [("query", megabyte)])
        #expect(answer.status == 200, "\(answer.status) \(answer.text.prefix(200))")
        #expect(answer.text.contains(#""result":[]"#))
        // 1 MB of garbage is a syntax error.
        let garbage = try fixture.raw.postForm("/api/v1/query", [("query", String(repeating: "@", count: 1 << 20))])
        #expect(garbage.status == 400)
        // A form body past the 8 MiB limit is refused.
        let oversized = try fixture.raw.postForm("/api/v1/query", [("query", "seed_metric"), ("pad", String(repeating: "z", count: 9 << 20))])
        #expect(oversized.status == 400, "\(oversized.status)")
        #expect(oversized.text.contains("cannot read the request"), "\(oversized.text.prefix(200))")
        // 60 KB in the URL itself (under the 80 KiB request-head limit).
        let inURL = try fixture.raw.get("/api/v1/query?query=" + RawHTTP.formEncode("seed_metric{instance=\"" + String(repeating: "y", count: 60_000) + "\"}"))
        #expect(inURL.status == 200, "\(inURL.status)")
        try fixture.expectIntact("deep and huge queries")
        try await fixture.stop()
    }

    @Test func hostileNumbersInQueriesAreAnsweredWithoutCrashing() async throws {
        // Subquery grids of trillions of steps, k far below or above Int64, and NaN/Inf arguments get an answer.
        let fixture = try await HostileFixture.start()
        for (query, status) in [
            ("max_over_time(vector(1)[100y:1ms])", 422), ("count_over_time(seed_metric[100y:1ms])", 422),
            ("topk(-1e300, seed_metric)", 200), ("bottomk(-Inf, seed_metric)", 200), ("topk(1e300, seed_metric)", 422),
            ("topk(NaN, seed_metric)", 422), ("quantile(NaN, seed_metric)", 200), ("vector(1) @ NaN", 400),
            ("vector(1) @ 1e300", 400), ("seed_metric offset 100000000y", 400), ("round(seed_metric, 1e-300)", 200),
            ("day_of_week(vector(-1e300))", 200), ("predict_linear(seed_metric[5m], 1e300)", 200), ("2 ^ 1e300", 200),
            ("seed_metric % 0", 200), ("histogram_quantile(Inf, seed_metric)", 200),
        ] {
            let response = try fixture.raw.postForm("/api/v1/query", [("query", query), ("time", "\(Double(fixture.now) / 1000)")])
            #expect(response.status == status, "\(query): \(response.status) \(response.text.prefix(200))")
            #expect(fixture.pivot.process.isRunning, "\(query) stopped the server")
        }
        try fixture.expectIntact("hostile numbers")
        try await fixture.stop()
    }

    @Test func wrongMethodsAndBodiesAreRefusedOrIgnored() async throws {
        // Unsupported methods are 405; a POST whose body is not a form is read as having no parameters (400 for a missing query).
        let fixture = try await HostileFixture.start()
        var cases: [HostileCase] = []
        for path in ["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/label/instance/values",
                     "/api/v1/query_exemplars", "/api/v1/format_query", "/api/v1/metadata", "/api/v1/status/tsdb",
                     "/api/v1/status/buildinfo", "/-/healthy", "/-/ready", "/metrics", "/api/v1/rules", "/api/v1/alerts"] {
            cases.append(HostileCase("PUT \(path)", "PUT", path, status: 405, says: "not allowed"))
            cases.append(HostileCase("DELETE \(path)", "DELETE", path, status: 405, says: "not allowed"))
        }
        for path in ["/api/v1/metadata", "/api/v1/status/tsdb", "/api/v1/status/buildinfo", "/-/healthy", "/-/ready", "/metrics"] {
            cases.append(HostileCase("POST \(path)", "POST", path, status: 405, says: "not allowed"))
        }
        for contentType in ["application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-protobuf"] {
            cases.append(HostileCase(
                "query as \(contentType)", "POST", "/api/v1/query", headers: [("Content-Type", contentType)],
                body: Array(#"{"query":"seed_metric"}"#.utf8), status: 400, says: "bad_data"))
        }
        cases.append(HostileCase("form without content type", "POST", "/api/v1/query", body: Array("query=seed_metric".utf8), status: 400, says: "bad_data"))
        cases.append(HostileCase("unknown API path", "GET", "/api/v1/status/nope", status: 404, says: ""))
        cases.append(HostileCase("bad label name", "GET", "/api/v1/label/%FF/values", status: 400, says: "label name"))
        cases.append(HostileCase("invalid UTF-8 label name", "GET", "/api/v1/label/%C3%28/values", status: 400, says: "not UTF-8"))
        for hostile in cases { try hostile.check(on: fixture) }
        try fixture.expectIntact("wrong methods")
        try await fixture.stop()
    }

    @Test func tenThousandMatchSelectorsAreAnswered() async throws {
        // 10,000 match[] selectors in one form POST are evaluated; the union is the seeded series.
        let fixture = try await HostileFixture.start()
        let pairs = (0..<10_000).map { ("match[]", "seed_metric{instance=\"i\($0 % HostileFixture.seedSeries)\",x!=\"\($0)\"}") }
        let response = try fixture.raw.postForm("/api/v1/series", pairs)
        #expect(response.status == 200, "\(response.status) \(response.text.prefix(200))")
        let data = (try JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["data"] as? [[String: String]]
        #expect(data?.count == HostileFixture.seedSeries)
        try fixture.expectIntact("many match[]")
        try await fixture.stop()
    }

    @Test func catastrophicBacktrackingPatternsAnswerQuickly() async throws {
        // Patterns that take a backtracking engine hours over 200 values of 4,000 bytes are answered (RE2 semantics).
        let fixture = try await HostileFixture.start()
        var batch = WriteBatch()
        for index in 0..<200 {
            batch.append(
                labels: Labels(["__name__": "long_values", "v": String(repeating: index % 2 == 0 ? "a" : "x", count: 4_000) + "\(index)"]),
                sample: Sample(timestamp: fixture.now, value: 1))
        }
        let written = try await RemoteWriteClient(url: fixture.pivot.baseURL + "/api/v1/write").send(batch)
        #expect(written.status == 204, "\(written.body)")
        for pattern in ["(a*)*b", "(x+x+)+y", "(a|aa)*c", "(a|a)*b", "((a+)+)+b", ".*.*.*.*.*.*.*.*=", "(.*a){20}"] {
            let start = ContinuousClock.now
            let series = try fixture.vector("count(long_values{v=~\"\(pattern)\"})")
            let names = try fixture.vector("count({__name__=~\"\(pattern)\"})")
            let elapsed = ContinuousClock.now - start
            #expect(series.isEmpty && names.isEmpty, "\(pattern) matched something")
            #expect(elapsed < .seconds(10), "\(pattern) took \(elapsed)")
        }
        #expect(try fixture.vector("count(long_values{v=~\"a+[0-9]+\"})").first?.value == "100")
        try fixture.expectIntact("hostile regexes")
        try await fixture.stop()
    }
}
