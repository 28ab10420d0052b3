import PivotPromQL
import Testing

/// Queries that must fail: feature gates, type errors, lexer errors.
let ownErrorCases: [ErrorCase] = [
    // Type checking.
    ErrorCase("rate(foo)", "expected type range vector in call to function \"rate\", got instant vector", 5, 8),
    ErrorCase("sum(foo[5m])", "expected type instant vector in aggregation expression, got range vector", 4, 11),
    ErrorCase("topk(\"a\", foo)", "expected type scalar in aggregation parameter, got string", 5, 8),
    ErrorCase("quantile(foo, bar)", "expected type scalar in aggregation parameter, got instant vector", 9, 12),
    ErrorCase("foo + \"a\"", "binary expression must contain only scalar and instant vector types", 6, 9),
    ErrorCase("foo[5m] + 1", "binary expression must contain only scalar and instant vector types", 0, 7),
    ErrorCase("1 < 2", "comparisons between scalars must use BOOL modifier", 2, 2),
    ErrorCase("label_replace(foo, \"a\")", "expected 5 argument(s) in call to \"label_replace\", got 2", 0, 23),
    ErrorCase("round(foo, 1, 2)", "expected at most 2 argument(s) in call to \"round\", got 3", 0, 16),
    ErrorCase("label_join(foo)", "expected at least 3 argument(s) in call to \"label_join\", got 1", 0, 15),
    ErrorCase(
        "histogram_quantile(foo, 0.9)", "expected type scalar in call to function \"histogram_quantile\", got instant vector",
        19, 22),
    ErrorCase("1 + on(a) foo", "vector matching only allowed between instant vectors", 0, 13),
    ErrorCase("foo[5m:1m][5m:]", "subquery is only allowed on instant vector, got matrix instead", 0, 15),
    ErrorCase("vector(\"a\")", "expected type scalar in call to function \"vector\", got string", 7, 10),
    // Modifiers in the wrong place or twice.
    ErrorCase("time() offset 5m", "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery", 0, 6),
    ErrorCase("sum(foo) @ 5", "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery", 0, 8),
    ErrorCase("foo[5m] @ 1 @ 2", "@ <timestamp> may not be set multiple times", 0, 11),
    ErrorCase("foo @ start() @ end()", "@ <timestamp> may not be set multiple times", 0, 13),
    ErrorCase("foo[5m] offset 1m [1m]", "ranges only allowed for vector selectors", 18, 22),
    ErrorCase("foo @ 1e20", "timestamp out of bounds for @ modifier: 100000000000000000000.000000", 0, 3),
    ErrorCase("foo[0]", "duration must be greater than 0", 4, 5),
    ErrorCase("foo[5m:0s]", "duration must be greater than 0", 7, 9),
    ErrorCase("foo[5m:1m:1m]", "unexpected colon ':'", 9, 13),
    ErrorCase("foo[5m", "unclosed left bracket", 6, 6),
    ErrorCase("foo[5m 1m]", "unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\"", 7, 9),
    ErrorCase("foo offset 5m:", "unexpected metric identifier \":\"", 13, 14),
    // Syntax.
    ErrorCase("sum(foo bar)", "unexpected identifier \"bar\" in aggregation", 8, 11),
    ErrorCase("sum by (a) 5", "unexpected number \"5\" in aggregation", 11, 12),
    ErrorCase("rate(foo bar)", "unexpected identifier \"bar\"", 9, 12),
    ErrorCase("rate(foo[5m]", "unclosed left parenthesis", 12, 12),
    ErrorCase("foo{a=\"b\"", "unexpected end of input inside braces", 9, 9),
    ErrorCase("foo{a=\"b\",,}", "unexpected \",\" in label matching, expected identifier or \"}\"", 10, 11),
    ErrorCase("foo{a}", "unexpected \"}\" in label matching, expected label matching operator", 5, 6),
    ErrorCase("sum by (\"\") (foo)", "invalid label name for grouping: \"\"", 8, 10),
    ErrorCase("a + on(b) group_left(c) 1 2", "unexpected number \"2\"", 26, 27),
    ErrorCase("foo bool bar", "unexpected <bool>", 4, 8),
    ErrorCase("foo == == bar", "unexpected <op:==>", 7, 9),
    ErrorCase("a + fill(1)(2) b", "binop fill modifiers are experimental and not enabled", 0, 14),
    // Numbers and strings.
    ErrorCase("1e999", "error parsing number: strconv.ParseFloat: parsing \"1e999\": value out of range", 0, 5),
    ErrorCase("0x", "error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax", 0, 2),
    ErrorCase("1_", "bad number or duration syntax: \"1_\"", 0, 2),
    ErrorCase("5m1h", "not a valid duration string: \"5m1h\"", 0, 4),
    ErrorCase("1.5m", "unknown unit \".\" in duration \"1.5m\"", 0, 4),
    ErrorCase("\"\\xZZ\"", "illegal character U+005A 'Z' in escape sequence", 0, 6),
    ErrorCase("'\\\"'", "unknown escape sequence U+0022 '\"'", 0, 4),
    ErrorCase("\"\\ud800\"", "escape sequence is an invalid Unicode code point", 0, 8),
    ErrorCase("\"\\400\"", "escape sequence is an invalid Unicode code point", 0, 6),
    ErrorCase("\"abc", "unterminated quoted string", 0, 4),
    ErrorCase("\"a\nb\"", "unterminated quoted string", 0, 5),
    ErrorCase("foo ! bar", "unexpected character after '!': ' '", 4, 9),
    ErrorCase("foo $", "unexpected character: '$'", 4, 5),
    ErrorCase("foo]", "unexpected right bracket ']'", 3, 4),
    ErrorCase("{a=\"\u{FFFD}\"}", "invalid UTF-8 rune", 3, 9),
    // Duration expressions (enabled).
    ErrorCase("foo[max_of(1m)]", "unexpected \")\" in subquery or range selector, expected number, duration, step(), or range()", 13, 14),
    ErrorCase("foo[5m:step(1)]", "unexpected number \"1\" in subquery selector, expected number, duration, step(), range(), or \"]\"", 12, 13),
    ErrorCase("foo offset (5m", "unclosed left parenthesis", 14, 14),
    ErrorCase("foo offset bar", "unexpected identifier \"bar\" in offset, expected number, duration, step(), or range()", 11, 14),
    ErrorCase("foo @ bar", "unexpected identifier \"bar\" in @, expected timestamp", 6, 9),
    ErrorCase("foo[-5m]", "duration must be greater than 0", 4, 7),
]

@Suite("Parse errors")
struct ParserErrorTests {
    static let options = ParserOptions(
        enableExperimentalFunctions: true, experimentalDurationExpressions: true, enableExtendedRangeSelectors: true)

    @Test("more invalid queries fail with the expected message and position", arguments: ownErrorCases)
    func ownCase(_ testCase: ErrorCase) {
        // Expects the message Prometheus's grammar and checks produce, at the offending bytes.
        expectError(testCase)
    }

    private func expectError(_ testCase: ErrorCase) {
        do {
            let expr = try parseExpr(testCase.input, options: Self.options)
            Issue.record("parsed as \(expr)")
        } catch {
            #expect(error.message == testCase.message)
            #expect(error.position == PositionRange(start: testCase.start, end: testCase.end))
        }
    }

    @Test("an error reads like Prometheus's, with line and column of its start")
    func errorDescription() throws {
        // Expects `line:col: parse error: message`, columns counted in bytes from the line start.
        let error = try #require(throws: ParseError.self) { try parseExpr("\"é\" +\n foo{") }
        #expect(error.description == "2:6: parse error: unexpected end of input inside braces")
        #expect(error.textPosition == TextPosition(line: 2, column: 6))
        #expect(error.code == .lexical)
    }

    @Test("an empty query has no position")
    func emptyQuery() throws {
        // Expects Prometheus's wording for errors in an empty query.
        let error = try #require(throws: ParseError.self) { try parseExpr("") }
        #expect(error.description == "unknown position: parse error: no expression found in input")
        #expect(error.textPosition == nil)
    }

    @Test("error codes classify the problem")
    func codes() throws {
        // Expects lexer, grammar, value, type and feature problems to carry distinct codes.
        func code(_ query: String, _ options: ParserOptions = .init()) throws -> ParseError.Code {
            try #require(throws: ParseError.self) { try parseExpr(query, options: options) }.code
        }
        #expect(try code("foo{") == .lexical)
        #expect(try code("foo bar") == .syntax)
        #expect(try code("foo offset 1m offset 1m") == .invalid)
        #expect(try code("rate(foo)") == .type)
        #expect(try code("info(foo)") == .featureDisabled)
        #expect(try code("((foo))", ParserOptions(maxNestingDepth: 2)) == .tooDeep)
    }

    @Test("an invalid regular expression fails at the matcher")
    func badRegex() throws {
        // Expects the regex engine's message and the range from the label name to the end of the value.
        let error = try #require(throws: ParseError.self) { try parseExpr("foo{a=~\"(\"}") }
        #expect(error.code == .invalid)
        #expect(error.position == PositionRange(start: 4, end: 10))
        #expect(!error.message.isEmpty)
    }
}
