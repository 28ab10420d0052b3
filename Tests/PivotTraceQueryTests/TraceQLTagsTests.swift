import PivotModel
import PivotTraceQuery
import Testing

@Suite struct TraceQLTagsTests {
    let resource = SpanBatch.Resource(bytes: [], serviceName: "api", attributes: [SpanAttribute(key: "service.name", value: .string("api"))])

    func span(_ attributes: [SpanAttribute], name: String = "GET /x", kind: Int32 = 2, status: Int32 = 0) -> SpanBatch.Span {
        SpanBatch.Span(
            traceID: [], spanID: [], name: name, kind: kind, startTimeUnixNano: 0, endTimeUnixNano: 1, statusCode: status,
            attributes: attributes, resource: 0, scope: 0, bytes: [])
    }

    @Test func tempoTagsRequireEveryPair() throws {
        // service.name is the resource attribute, name the span name, other keys attributes; typed values match typed attributes.
        let query = try TraceQLQuery.fromTempoTags(#"service.name=api http.status_code=500 name="GET /x" "key with space"="a b""#)
        let good = span([SpanAttribute(key: "http.status_code", value: .int(500)), SpanAttribute(key: "key with space", value: .string("a b"))])
        #expect(query.matches(span: good, resource: resource))
        let textual = span([SpanAttribute(key: "http.status_code", value: .string("500")), SpanAttribute(key: "key with space", value: .string("a b"))])
        #expect(query.matches(span: textual, resource: resource))
        let wrong = span([SpanAttribute(key: "http.status_code", value: .int(404)), SpanAttribute(key: "key with space", value: .string("a b"))])
        #expect(!query.matches(span: wrong, resource: resource))
        #expect(!query.matches(span: good, resource: SpanBatch.Resource(bytes: [], serviceName: "db", attributes: [])))
        #expect(query.hints.serviceName == "api")
        #expect(query.hints.spanName == "GET /x")
    }

    @Test func tempoStatusCodeTagIsTheSpanStatus() throws {
        // status.code=error selects spans with status error.
        let query = try TraceQLQuery.fromTempoTags("status.code=error")
        #expect(query.matches(span: span([], status: 2), resource: resource))
        #expect(!query.matches(span: span([], status: 0), resource: resource))
    }

    @Test func emptyTempoTagsMatchEverything() throws {
        // No pairs is the `{}` query.
        #expect(try TraceQLQuery.fromTempoTags("  ").expression == .all)
    }

    @Test(arguments: [#"a"#, #"=b"#, #"a="b"#, "a=1 a=2"])
    func malformedTempoTagsAreRejected(_ text: String) {
        // A key without a value, an empty key, an open quote or a repeated key is a syntax error.
        #expect {
            _ = try TraceQLQuery.fromTempoTags(text)
        } throws: { ($0 as? TraceQLError)?.code == .syntax }
    }

    @Test func jaegerTagsMatchSpanAndProcessTags() throws {
        // Each JSON pair must hold on the span or its resource; string values also match numbers.
        let query = try TraceQLQuery.fromJaegerTags(#"{"http.status_code":"500","service.name":"api"}"#)
        #expect(query.matches(span: span([SpanAttribute(key: "http.status_code", value: .int(500))]), resource: resource))
        #expect(!query.matches(span: span([SpanAttribute(key: "http.status_code", value: .int(501))]), resource: resource))
    }

    @Test func jaegerDerivedTagsMapBackToSpanFields() throws {
        // error=true is status error, span.kind the kind, otel.status_code the status.
        let errorQuery = try TraceQLQuery.fromJaegerTags(#"{"error":"true"}"#)
        #expect(errorQuery.matches(span: span([], status: 2), resource: resource))
        #expect(!errorQuery.matches(span: span([], status: 1), resource: resource))
        #expect(errorQuery.matches(span: span([SpanAttribute(key: "error", value: .bool(true))]), resource: resource))
        let kindQuery = try TraceQLQuery.fromJaegerTags(#"{ "span.kind" : "client" }"#)
        #expect(kindQuery.matches(span: span([], kind: 3), resource: resource))
        #expect(!kindQuery.matches(span: span([], kind: 2), resource: resource))
        let okQuery = try TraceQLQuery.fromJaegerTags(#"{"otel.status_code":"OK"}"#)
        #expect(okQuery.matches(span: span([], status: 1), resource: resource))
    }

    @Test func jaegerTagsAcceptEscapesAndBareScalars() throws {
        // JSON escapes decode; numbers and booleans are taken as their text.
        let query = try TraceQLQuery.fromJaegerTags(#"{"k\u00e9y":"a\"b","n":42}"#)
        #expect(query.matches(span: span([SpanAttribute(key: "kéy", value: .string("a\"b")), SpanAttribute(key: "n", value: .int(42))]), resource: resource))
        #expect(try TraceQLQuery.fromJaegerTags("{}").expression == .all)
    }

    @Test(arguments: [#"[]"#, #"{"a":{"b":"c"}}"#, #"{"a":"b""#, #"{"a" "b"}"#, #"{"a":"b"} x"#])
    func malformedJaegerTagsAreRejected(_ json: String) {
        // Anything but a flat object of scalars is a syntax error.
        #expect {
            _ = try TraceQLQuery.fromJaegerTags(json)
        } throws: { ($0 as? TraceQLError)?.code == .syntax }
    }

    @Test func tagParametersWithMoreThanTheConditionLimitAreRejected() throws {
        // Found by fuzzing: 100,000 tags built a tree that overflowed the stack; past 1,000 they are refused.
        let logfmt = (0..<100_000).map { "k\($0)=v" }.joined(separator: " ")
        #expect(throws: TraceQLError.self) { try TraceQLQuery.fromTempoTags(logfmt) }
        let json = "{" + (0..<100_000).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}"
        #expect(throws: TraceQLError.self) { try TraceQLQuery.fromJaegerTags(json) }
        _ = try TraceQLQuery.fromTempoTags((0..<1_000).map { "k\($0)=v" }.joined(separator: " "))
    }
}
