import PivotTraceQuery
import Testing

@Suite struct TraceQLParserTests {
    typealias E = TraceQLQuery.Expression

    static func cond(_ field: TraceQLQuery.Field, _ op: TraceQLQuery.Operator, _ value: TraceQLQuery.Literal) -> E {
        .condition(try! TraceQLQuery.Condition(field: field, op: op, value: value))
    }

    static let parsed: [(text: String, expression: E)] = [
        ("{}", .all),
        ("  { }  ", .all),
        (#"{ .http.method = "GET" }"#, cond(.attribute(.unscoped, "http.method"), .equal, .string("GET"))),
        ("{.http.status_code>=500}", cond(.attribute(.unscoped, "http.status_code"), .greaterOrEqual, .int(500))),
        (#"{ resource.service.name != "api" }"#, cond(.attribute(.resource, "service.name"), .notEqual, .string("api"))),
        ("{ span.ratio < 0.5 }", cond(.attribute(.span, "ratio"), .less, .double(0.5))),
        ("{ span.cached = true }", cond(.attribute(.span, "cached"), .equal, .bool(true))),
        (#"{ ."name with space" = "v" }"#, cond(.attribute(.unscoped, "name with space"), .equal, .string("v"))),
        (#"{ name =~ "GET .*" }"#, cond(.name, .regexMatch, .string("GET .*"))),
        (#"{ name !~ `a\d` }"#, cond(.name, .regexNotMatch, .string(#"a\d"#))),
        ("{ status = error }", cond(.status, .equal, .status(2))),
        ("{ status != ok }", cond(.status, .notEqual, .status(1))),
        ("{ kind = server }", cond(.kind, .equal, .kind(2))),
        ("{ span:kind = unspecified }", cond(.kind, .equal, .kind(0))),
        ("{ duration > 100ms }", cond(.duration, .greater, .duration(100_000_000))),
        ("{ span:duration <= 1.5s }", cond(.duration, .lessOrEqual, .duration(1_500_000_000))),
        ("{ duration >= 2m }", cond(.duration, .greaterOrEqual, .duration(120_000_000_000))),
        ("{ duration < 10us }", cond(.duration, .less, .duration(10_000))),
        ("{ duration < 5ns }", cond(.duration, .less, .duration(5))),
        ("{ duration < 1h }", cond(.duration, .less, .duration(3_600_000_000_000))),
        ("{ .x = -3 }", cond(.attribute(.unscoped, "x"), .equal, .int(-3))),
        ("{ .x != nil }", cond(.attribute(.unscoped, "x"), .notEqual, .nil)),
        (#"{ .s = "a\"b\\c" }"#, cond(.attribute(.unscoped, "s"), .equal, .string(#"a"b\c"#))),
        (
            #"{ .a = 1 && .b = 2 || .c = 3 }"#,
            .or(.and(cond(.attribute(.unscoped, "a"), .equal, .int(1)), cond(.attribute(.unscoped, "b"), .equal, .int(2))),
                cond(.attribute(.unscoped, "c"), .equal, .int(3)))
        ),
        (
            #"{ .a = 1 && (.b = 2 || .c = 3) }"#,
            .and(cond(.attribute(.unscoped, "a"), .equal, .int(1)),
                .or(cond(.attribute(.unscoped, "b"), .equal, .int(2)), cond(.attribute(.unscoped, "c"), .equal, .int(3))))
        ),
    ]

    @Test(arguments: parsed)
    func supportedQueriesParse(_ c: (text: String, expression: E)) throws {
        // Each supported query parses to the expected expression tree.
        #expect(try TraceQLQuery.parse(c.text).expression == c.expression)
    }

    static let rejected: [(text: String, code: TraceQLError.Code, message: String)] = [
        (#"{ .a = 1 } | count() > 2"#, .unsupported, "TraceQL feature aggregate count() is not supported"),
        (#"{ .a = 1 } | select(.b)"#, .unsupported, "TraceQL feature select() is not supported"),
        (#"{ .a = 1 } | by(.b)"#, .unsupported, "TraceQL feature by() is not supported"),
        (#"{ .a = 1 } >> { .b = 2 }"#, .unsupported, "TraceQL feature structural operator >> is not supported"),
        (#"{ .a = 1 } ~ { .b = 2 }"#, .unsupported, "TraceQL feature structural operator ~ is not supported"),
        (#"{ .a = 1 } && { .b = 2 }"#, .unsupported, "multiple spansets"),
        (#"{ .a = 1 } || { .b = 2 }"#, .unsupported, "multiple spansets"),
        (#"rate()"#, .unsupported, "rate()"),
        (#"{ .a = 1 } | rate()"#, .unsupported, "rate()"),
        (#"{ event.name = "x" }"#, .unsupported, "event attributes"),
        (#"{ trace:rootService = "x" }"#, .unsupported, "intrinsic trace:rootService"),
        (#"{ rootServiceName = "x" }"#, .unsupported, "intrinsic rootServiceName"),
        (#"{ .a + 1 = 2 }"#, .unsupported, "arithmetic"),
        (#"{ .a = .b }"#, .unsupported, "comparing two fields"),
        (#"{ .flag }"#, .unsupported, "conditions without a comparison"),
        (#"{ !(.a = 1) }"#, .unsupported, "negation"),
        ("", .syntax, "empty query"),
        // Found by fuzzing: durations past Go's 64-bit nanoseconds used to trap converting to UInt64.
        ("{ duration > 1111111111156m }", .syntax, "out of range"),
        ("{ duration > 1e400ms }", .syntax, "out of range"),
        (#".a = 1"#, .syntax, "expected \"{\""),
        (#"{ .a = 1"#, .syntax, "expected \"}\""),
        (#"{ .a = "x }"#, .syntax, "unterminated string"),
        (#"{ (.a = 1 }"#, .syntax, "expected \")\""),
        (#"{ foo = 1 }"#, .syntax, "unknown identifier"),
        (#"{ .a = }"#, .syntax, "expected a value"),
        (#"{ duration > 3w }"#, .syntax, "invalid duration"),
        // Durations past 64 bits of nanoseconds (up to infinity) are refused, not trapped on.
        (#"{ duration > 1e400s }"#, .syntax, "out of range"),
        (#"{ duration > 99999999999h }"#, .syntax, "out of range"),
        (#"{ status = 200 }"#, .invalidComparison, "status"),
        (#"{ kind = error }"#, .invalidComparison, "kind"),
        (#"{ duration > 100 }"#, .invalidComparison, "duration"),
        (#"{ .a =~ 1 }"#, .invalidComparison, "needs a string"),
        (#"{ .a > true }"#, .invalidComparison, "booleans"),
        (#"{ .a =~ "(" }"#, .invalidRegex, "missing closing )"),
    ]

    @Test(arguments: rejected)
    func unsupportedOrInvalidQueriesAreRejectedWithAClearMessage(_ c: (text: String, code: TraceQLError.Code, message: String)) {
        // Each rejected query throws the expected code with a message naming the problem.
        #expect {
            _ = try TraceQLQuery.parse(c.text)
        } throws: { error in
            guard let e = error as? TraceQLError else { return false }
            return e.code == c.code && e.message.contains(c.message)
        }
    }

    @Test func attributeKeysListTheComparedAttributes() throws {
        // Compared attribute names are reported once each, in order of use.
        let query = try TraceQLQuery.parse(#"{ resource.service.name = "a" && (.http.status_code = 500 || .http.status_code = 503) && name = "x" }"#)
        #expect(query.attributeKeys == ["service.name", "http.status_code"])
    }

    static let tooComplex: [(what: String, text: String)] = [
        ("65 nested parentheses", "{ " + String(repeating: "(", count: 65) + ".a = 1" + String(repeating: ")", count: 65) + " }"),
        ("100,000 nested parentheses", "{ " + String(repeating: "(", count: 100_000) + ".a = 1" + String(repeating: ")", count: 100_000) + " }"),
        ("1,001 conditions", "{ " + Array(repeating: ".a = 1", count: 1_001).joined(separator: " && ") + " }"),
        ("200,000 conditions", "{ " + Array(repeating: ".a = 1", count: 200_000).joined(separator: " || ") + " }"),
    ]

    @Test(arguments: tooComplex.indices)
    func queriesTooDeepOrTooLongAreRejected(index: Int) {
        // Found by fuzzing: very deep or very long queries overflowed the stack (parsing, evaluating or
        // freeing the tree); past the limits they are rejected with .tooComplex.
        let c = Self.tooComplex[index]
        #expect {
            _ = try TraceQLQuery.parse(c.text)
        } throws: { error in
            (error as? TraceQLError)?.code == .tooComplex
        }
    }

    @Test func queriesAtTheLimitsParse() throws {
        // 64 levels of parentheses and 1,000 conditions are accepted.
        _ = try TraceQLQuery.parse("{ " + String(repeating: "(", count: 64) + ".a = 1" + String(repeating: ")", count: 64) + " }")
        let query = try TraceQLQuery.parse("{ " + Array(repeating: ".a = 1", count: 1_000).joined(separator: " && ") + " }")
        #expect(query.attributeKeys == ["a"])
    }
}
