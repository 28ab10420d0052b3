import Foundation
import Testing

/// Hostile requests to the Tempo and Jaeger APIs against the real binary: each gets a clear 4xx,
/// the server keeps serving, and the data written before is all still there. Search results are
/// capped by `--traces.max-search-limit` and bounded in time by `--traces.search-timeout`.
@Suite(.serialized) struct HostileTraceAPITests {
    static func search(_ q: String, _ extra: String = "") -> String {
        "/api/search?q=" + RawHTTP.formEncode(q) + extra
    }

    /// GET targets stay under the HTTP parser's 80 KiB request-head limit (past it see
    /// `anOversizedRequestHeadIsRefusedAndTheServerKeepsServing`); the parsers' own tests go to 100,000 levels.
    static let cases: [HostileCase] = {
        let deep = "{ " + String(repeating: "(", count: 10_000) + #".a = "x""# + String(repeating: ")", count: 10_000) + " }"
        let chain = "{ " + Array(repeating: #".a = "x""#, count: 2_000).joined(separator: " && ") + " }"
        let manyTags = (0..<2_000).map { "k\($0)=v" }.joined(separator: " ")
        let manyJaegerTags = "{" + (0..<2_000).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}"
        return [
            HostileCase("trace id not hex", "GET", "/api/traces/xyz", status: 400, says: "trace"),
            HostileCase("trace id of 33 digits", "GET", "/api/traces/" + String(repeating: "a", count: 33), status: 400, says: "trace"),
            HostileCase("trace id of 60 KB", "GET", "/api/traces/" + String(repeating: "a", count: 60_000), status: 400, says: "trace"),
            HostileCase("v2 trace id invalid UTF-8", "GET", "/api/v2/traces/%FF%FE", status: 400, says: "trace"),
            HostileCase("v2 trace id with quote", "GET", "/api/v2/traces/%27%20OR%201%3D1", status: 400, says: "trace"),
            HostileCase("unknown trace", "GET", "/api/traces/0123456789abcdef0123456789abcdef", status: 404, says: ""),
            HostileCase("trace start NaN", "GET", "/api/traces/5eed0000000000000000000000000001?start=NaN", status: 400, says: "start"),
            HostileCase("trace end -1", "GET", "/api/traces/5eed0000000000000000000000000001?end=-1", status: 400, says: "end"),
            HostileCase("TraceQL nested 10,000 deep", "GET", search(deep), status: 400, says: "nested deeper"),
            HostileCase("TraceQL chain of 2,000", "GET", search(chain), status: 400, says: "conditions"),
            HostileCase("TraceQL unterminated string", "GET", search(#"{ .a = "abc }"#), status: 400, says: "unterminated"),
            HostileCase("TraceQL lone quote", "GET", search(#"{ .a = " }"#), status: 400, says: "TraceQL"),
            HostileCase("TraceQL escaped end quote", "GET", search(#"{ .a = "\" }"#), status: 400, says: "TraceQL"),
            HostileCase("TraceQL unbalanced", "GET", search("{ ((.a = 1) }"), status: 400, says: "TraceQL"),
            HostileCase("TraceQL bad regex", "GET", search(#"{ .a =~ "(" }"#), status: 400, says: "regex"),
            HostileCase("TraceQL invalid UTF-8", "GET", "/api/search?q=%7B%20.a%20%3D%20%FF%20%7D", status: 400, says: "TraceQL"),
            HostileCase("TraceQL SQL", "GET", search("'; DROP TABLE spans; --"), status: 400, says: "TraceQL"),
            HostileCase("TraceQL bad duration", "GET", search("{ duration > 1e400s }"), status: 400, says: "duration"),
            HostileCase("TraceQL negative duration", "GET", search("{ duration > -5ms }"), status: 400, says: ""),
            HostileCase("limit negative", "GET", search("{}", "&limit=-1"), status: 400, says: "limit"),
            HostileCase("limit not a number", "GET", search("{}", "&limit=1e99"), status: 400, says: "limit"),
            HostileCase("spss zero", "GET", search("{}", "&spss=0"), status: 400, says: "spss"),
            HostileCase("start NaN", "GET", search("{}", "&start=NaN"), status: 400, says: "start"),
            HostileCase("end Inf", "GET", search("{}", "&end=Inf"), status: 400, says: "end"),
            HostileCase("start negative", "GET", search("{}", "&start=-5"), status: 400, says: "start"),
            HostileCase("start past 64-bit nanoseconds", "GET", search("{}", "&start=5e10"), status: 400, says: "start"),
            HostileCase("tag names end past 64-bit nanoseconds", "GET", "/api/search/tags?end=99999999999", status: 400, says: "end"),
            HostileCase("trace start past 64-bit nanoseconds", "GET", "/api/traces/5eed0000000000000000000000000001?start=9e10", status: 400, says: "start"),
            HostileCase("minDuration garbage", "GET", search("{}", "&minDuration=fast"), status: 400, says: "minDuration"),
            HostileCase("maxDuration overflowing", "GET", search("{}", "&maxDuration=99999999999999999999h"), status: 400, says: "maxDuration"),
            HostileCase("2,000 tags", "GET", "/api/search?tags=" + RawHTTP.formEncode(manyTags), status: 400, says: "conditions"),
            HostileCase("tags unterminated", "GET", "/api/search?tags=%22a%3Db", status: 400, says: ""),
            HostileCase("tag names limit", "GET", "/api/search/tags?limit=0", status: 400, says: "limit"),
            HostileCase("v2 tag names start", "GET", "/api/v2/search/tags?start=NaN", status: 400, says: "start"),
            HostileCase("tag values limit", "GET", "/api/v2/search/tag/span.a/values?limit=-3", status: 400, says: "limit"),
            HostileCase("Jaeger trace id", "GET", "/jaeger/api/traces/not-hex", status: 400, says: "trace"),
            HostileCase("Jaeger trace id invalid UTF-8", "GET", "/jaeger/api/traces/%C3%28", status: 400, says: "trace"),
            HostileCase("Jaeger unknown trace", "GET", "/jaeger/api/traces/0123456789abcdef", status: 404, says: "not found"),
            HostileCase("Jaeger limit", "GET", "/jaeger/api/traces?service=seed&limit=abc", status: 400, says: "limit"),
            HostileCase("Jaeger start", "GET", "/jaeger/api/traces?service=seed&start=NaN", status: 400, says: "start"),
            HostileCase("Jaeger end negative", "GET", "/jaeger/api/traces?service=seed&end=-1", status: 400, says: "end"),
            HostileCase("Jaeger minDuration", "GET", "/jaeger/api/traces?service=seed&minDuration=Inf", status: 400, says: "minDuration"),
            HostileCase("Jaeger tags not JSON", "GET", "/jaeger/api/traces?service=seed&tags=%7B%7B%7B", status: 400, says: "tags"),
            HostileCase("Jaeger tags nested", "GET", "/jaeger/api/traces?service=seed&tags=" + RawHTTP.formEncode(#"{"a":{"b":{"c":"d"}}}"#), status: 400, says: "tags"),
            HostileCase("Jaeger 2,000 tags", "GET", "/jaeger/api/traces?service=seed&tags=" + RawHTTP.formEncode(manyJaegerTags), status: 400, says: "conditions"),
            HostileCase("POST search", "POST", "/api/search", status: 405, says: "not allowed"),
            HostileCase("PUT trace", "PUT", "/api/traces/5eed0000000000000000000000000001", status: 405, says: "not allowed"),
            HostileCase("DELETE v2 trace", "DELETE", "/api/v2/traces/5eed0000000000000000000000000001", status: 405, says: "not allowed"),
            HostileCase("POST tag names", "POST", "/api/search/tags", status: 405, says: "not allowed"),
            HostileCase("DELETE Jaeger services", "DELETE", "/jaeger/api/services", status: 405, says: "not allowed"),
            HostileCase("POST Jaeger search", "POST", "/jaeger/api/traces", status: 405, says: "not allowed"),
            HostileCase("PUT echo", "PUT", "/api/echo", status: 405, says: "not allowed"),
        ]
    }()

    @Test func hostileTraceRequestsAre4xxAndTheServerKeepsServing() async throws {
        // Bad ids, hostile TraceQL, bad numbers and durations, tag floods and wrong methods: a clear 4xx each.
        let fixture = try await HostileFixture.start()
        for hostile in Self.cases { try hostile.check(on: fixture) }
        try fixture.expectIntact("hostile trace requests")
        try await fixture.stop()
    }

    @Test func anOversizedRequestHeadIsRefusedAndTheServerKeepsServing() async throws {
        // A request line past the HTTP parser's 80 KiB limit is a 400 (or the connection closes); later requests are served.
        let fixture = try await HostileFixture.start()
        for target in ["/api/search?q=" + String(repeating: "a", count: 1 << 20), "/api/v1/query?query=" + String(repeating: "b", count: 200_000)] {
            if let response = try? fixture.raw.get(target) {
                #expect(response.status == 400)
            }
            try fixture.expectIntact("a request head of \(target.utf8.count) bytes")
        }
        try await fixture.stop()
    }

    @Test func hostileButValidSearchesAreAnswered() async throws {
        // Odd but valid parameters (a huge limit, a 60 KB service name, unknown tag names) answer 200 with what matches.
        let fixture = try await HostileFixture.start()
        let huge = String(repeating: "s", count: 60_000)
        for target in [
            Self.search(#"{ resource.service.name = "seed" }"#, "&limit=999999999999"),
            Self.search("{ .\"" + String(repeating: "k", count: 60_000) + "\" = 1 }"),
            "/api/search?tags=" + RawHTTP.formEncode("service.name=\"" + String(repeating: "q", count: 10_000) + "\""),
            "/api/v2/search/tag/" + RawHTTP.formEncode("span.'; DROP TABLE spans; --") + "/values",
            "/api/search/tag/%FF/values",
            "/jaeger/api/traces?service=" + RawHTTP.formEncode(huge),
            "/jaeger/api/services/" + RawHTTP.formEncode("'; DROP TABLE operations; --") + "/operations",
            "/jaeger/api/operations?service=%FF&spanKind=%00",
        ] {
            let response = try fixture.raw.get(target)
            #expect(response.status == 200, "\(target.prefix(120)): \(response.status) \(response.text.prefix(200))")
        }
        #expect(try fixture.tempoSearch(#"{ resource.service.name = "seed" }"#, limit: 1 << 40).count == HostileFixture.seedTraces)
        try fixture.expectIntact("odd searches")
        try await fixture.stop()
    }

    @Test func hostileTraceQLRegexesAnswerQuickly() async throws {
        // Backtracking-hostile TraceQL regexes over 100 spans with 4,000-byte attributes are answered (RE2).
        let fixture = try await HostileFixture.start()
        let spans = (0..<100).map { index in
            HostileFixture.SpanSpec(
                traceID: String(format: "abcd%028x", index), service: "regex", name: String(repeating: "a", count: 4_000) + "!",
                attributes: ["v": String(repeating: index % 2 == 0 ? "a" : "x", count: 4_000) + "\(index)"])
        }
        #expect(try fixture.exportSpans(spans).status == 200)
        for pattern in ["(a*)*b", "(x+x+)+y", "(a|aa)*c", "((a+)+)+b", "(.*a){20}"] {
            let start = ContinuousClock.now
            let byAttribute = try fixture.tempoSearch("{ span.v =~ \"\(pattern)\" }")
            let byName = try fixture.tempoSearch("{ name =~ \"\(pattern)\" || span.v !~ \".*\" }")
            let elapsed = ContinuousClock.now - start
            #expect(byAttribute.isEmpty && byName.isEmpty, "\(pattern) matched")
            #expect(elapsed < .seconds(10), "\(pattern) took \(elapsed)")
        }
        #expect(try fixture.tempoSearch(#"{ span.v =~ "a+[0-9]+" }"#).count == 50)
        try fixture.expectIntact("hostile TraceQL regexes")
        try await fixture.stop()
    }

    @Test func searchLimitsAreLoweredToTheConfiguredCap() async throws {
        // With --traces.max-search-limit=2, a search asking for 100 traces gets 2 (Tempo and Jaeger).
        let fixture = try await HostileFixture.start(["--traces.max-search-limit=2"])
        #expect(try fixture.tempoSearch("{}", limit: 100).count == 2)
        let jaeger = try fixture.json("/jaeger/api/traces?service=seed&limit=100")
        #expect((jaeger["data"] as? [Any])?.count == 2)
        try await fixture.stop()
    }

    @Test func searchesStopAtTheSearchTimeout() async throws {
        // 5,000 traces: found in full by default; with --traces.search-timeout=1ms the search stops early and still answers 200.
        let storage = PivotProcess.temporaryDirectory("pivot-search-timeout")
        var fixture = try await HostileFixture.start(["--traces.max-search-limit=5000"], storagePath: storage)
        let spans = (0..<5_000).map { HostileFixture.SpanSpec(traceID: String(format: "7177%028x", $0), service: "many", name: "op") }
        #expect(try fixture.exportSpans(spans).status == 200)
        #expect(try fixture.tempoSearch(#"{ resource.service.name = "many" }"#, limit: 5_000).count == 5_000)
        try await fixture.stop()

        let pivot = try PivotProcess(storagePath: storage, extraArguments: ["--traces.search-timeout=1ms", "--traces.max-search-limit=5000"])
        try await pivot.waitUntilReady()
        fixture = HostileFixture(pivot: pivot, raw: RawHTTP(port: pivot.webPort), now: fixture.now)
        let found = try fixture.tempoSearch(#"{ resource.service.name = "many" }"#, limit: 5_000)
        #expect(found.count < 5_000)
        let jaeger = try fixture.json("/jaeger/api/traces?service=many&limit=5000")
        #expect(((jaeger["data"] as? [Any])?.count ?? 0) < 5_000)
        let traceByID = try fixture.raw.get("/api/traces/" + String(format: "7177%028x", 999))
        #expect(traceByID.status == 200)
        try fixture.expectIntact("a timed-out search", traces: false)
        try await fixture.stop()
    }
}
