import PivotModel
import PivotTraceQuery
import Testing

@Suite struct TraceQLEvaluationTests {
    static let resource = SpanBatch.Resource(
        bytes: [], serviceName: "api",
        attributes: [
            SpanAttribute(key: "service.name", value: .string("api")), SpanAttribute(key: "host.name", value: .string("h1")),
            SpanAttribute(key: "region", value: .string("eu")),
        ])
    static let span = SpanBatch.Span(
        traceID: [UInt8](repeating: 1, count: 16), spanID: [UInt8](repeating: 2, count: 8), name: "GET /users/{id}", kind: 2,
        startTimeUnixNano: 1_000_000_000, endTimeUnixNano: 1_250_000_000, statusCode: 2,
        attributes: [
            SpanAttribute(key: "http.status_code", value: .int(503)), SpanAttribute(key: "ratio", value: .double(0.75)),
            SpanAttribute(key: "cached", value: .bool(false)), SpanAttribute(key: "region", value: .string("us")),
            SpanAttribute(key: "name with space", value: .string("v")), SpanAttribute(key: "http.version", value: .string("1.1")),
        ], resource: 0, scope: 0, bytes: [])

    static let cases: [(query: String, matches: Bool)] = [
        ("{}", true),
        (#"{ name = "GET /users/{id}" }"#, true),
        (#"{ name =~ "GET .*" }"#, true),
        (#"{ name =~ "GET" }"#, false),  // regexes are fully anchored
        (#"{ name !~ "POST.*" }"#, true),
        (#"{ .http.status_code = 503 }"#, true),
        (#"{ .http.status_code >= 500 && .http.status_code < 600 }"#, true),
        (#"{ .http.status_code = 503.0 }"#, true),  // int vs float compare numerically
        (#"{ .ratio > 0 }"#, true),
        (#"{ .ratio < 1 }"#, true),
        (#"{ .http.status_code = "503" }"#, false),  // string vs int never match
        (#"{ .http.version = 1.1 }"#, false),
        (#"{ .cached = false }"#, true),
        (#"{ .cached != true }"#, true),
        (#"{ .missing = "x" }"#, false),
        (#"{ .missing != "x" }"#, false),  // a missing attribute fails every comparison
        (#"{ .missing !~ "x" }"#, false),
        (#"{ .missing = nil }"#, true),
        (#"{ .region != nil }"#, true),
        (#"{ .region = "us" }"#, true),  // span attributes take precedence over resource ones
        (#"{ resource.region = "eu" }"#, true),
        (#"{ span.region = "eu" }"#, false),
        (#"{ span.host.name = "h1" }"#, false),
        (#"{ .host.name = "h1" }"#, true),  // unscoped falls back to the resource
        (#"{ resource.service.name = "api" }"#, true),
        (#"{ ."name with space" = "v" }"#, true),
        (#"{ .region > "a" && .region < "v" }"#, true),
        ("{ status = error }", true),
        ("{ status = ok }", false),
        ("{ status != unset }", true),
        ("{ kind = server }", true),
        ("{ kind != client }", true),
        ("{ duration = 250ms }", true),
        ("{ duration > 250ms }", false),
        ("{ duration >= 250ms && duration < 1s }", true),
        ("{ duration > 100ms && kind = client || status = error }", true),
        ("{ duration > 100ms && (kind = client || status = ok) }", false),
    ]

    @Test(arguments: cases)
    func spansAreMatchedWithTraceQLSemantics(_ c: (query: String, matches: Bool)) throws {
        // Each query accepts or rejects the fixture span as TraceQL would.
        let query = try TraceQLQuery.parse(c.query)
        #expect(query.matches(span: Self.span, resource: Self.resource) == c.matches)
        #expect(query.spanFilter(Self.span, Self.resource) == c.matches)
    }

    @Test func serviceNameFallsBackToTheResourceField() throws {
        // A resource whose attributes were not kept still answers service.name from its serviceName.
        let bare = SpanBatch.Resource(bytes: [], serviceName: "web", attributes: [])
        #expect(try TraceQLQuery.parse(#"{ resource.service.name = "web" }"#).matches(span: Self.span, resource: bare))
    }

    static let hintCases: [(query: String, hints: TraceQLQuery.Hints)] = [
        ("{}", .init()),
        (
            #"{ resource.service.name = "api" && name = "GET /x" && duration > 1s && duration <= 2s }"#,
            .init(serviceName: "api", spanName: "GET /x", minSpanDurationNanos: 1_000_000_001, maxSpanDurationNanos: 2_000_000_000)
        ),
        (#"{ .service.name = "api" }"#, .init()),  // unscoped could be a span attribute
        (#"{ resource.service.name = "a" || name = "b" }"#, .init()),
        (#"{ resource.service.name =~ "a.*" }"#, .init()),
        (#"{ (name = "x" || name = "y") && duration >= 5ms && duration >= 7ms && duration < 1s }"#,
            .init(minSpanDurationNanos: 7_000_000, maxSpanDurationNanos: 999_999_999)),
    ]

    @Test(arguments: hintCases)
    func hintsComeOnlyFromPureConjunctions(_ c: (query: String, hints: TraceQLQuery.Hints)) throws {
        // Service, span name and duration bounds are pinned only by conditions and-ed to the whole query.
        #expect(try TraceQLQuery.parse(c.query).hints == c.hints)
    }
}
