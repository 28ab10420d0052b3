import PivotPromQL
import Testing

/// Queries and the canonical text Prometheus prints for them.
let ownPrintCases: [PrintCase] = [
    // Numbers print as Go's `FormatFloat(v, 'f', -1, 64)`.
    PrintCase("1", "1"), PrintCase("1.5", "1.5"), PrintCase(".5", "0.5"), PrintCase("5.", "5"),
    PrintCase("1e3", "1000"), PrintCase("1E-3", "0.001"), PrintCase("1e-7", "0.0000001"), PrintCase("0x1F", "31"),
    PrintCase("0755", "493"), PrintCase("08", "8"), PrintCase("1_000", "1000"), PrintCase("0x_1f", "31"),
    PrintCase("Inf", "+Inf"), PrintCase("-inf", "-Inf"), PrintCase("NaN", "NaN"), PrintCase("nAn", "NaN"),
    PrintCase("-0", "-0"), PrintCase("1e21", "1000000000000000000000"),
    PrintCase("123456789012345678901234567890", "123456789012345680000000000000"),
    PrintCase("--1", "1"), PrintCase("-+1", "-1"), PrintCase("Inf ^ 2", "Inf ^ 2"),
    // Durations used as numbers keep their duration spelling.
    PrintCase("5m", "5m"), PrintCase("90s", "1m30s"), PrintCase("100ms", "100ms"), PrintCase("-5m", "-5m"),
    PrintCase("14d", "2w"), PrintCase("365d", "1y"), PrintCase("8d", "8d"), PrintCase("time() - 1h", "time() - 1h"),
    // Strings print with Go's `%q`.
    PrintCase("'single'", "\"single\""), PrintCase("`raw\\n`", "\"raw\\\\n\""), PrintCase("\"\\u00e9\"", "\"é\""),
    PrintCase("\"tab\\there\"", "\"tab\\there\""), PrintCase("\"\\x41\\101\"", "\"AA\""), PrintCase("\"\\xff\"", "\"\\xff\""),
    PrintCase("\"\\u200b\"", "\"\\u200b\""), PrintCase("\"\\U0001F600\"", "\"😀\""), PrintCase("\"\\a\\b\\f\\v\"", "\"\\a\\b\\f\\v\""),
    PrintCase("\"\\x7f\"", "\"\\x7f\""), PrintCase("'a\"b'", "\"a\\\"b\""), PrintCase("'it\\'s'", "\"it's\""),
    PrintCase("\"\\u00a0\"", "\"\\u00a0\""),
    // Selectors: matchers sorted by their text, the metric name outside the braces.
    PrintCase("foo{b=\"1\",a=\"2\"}", "foo{a=\"2\",b=\"1\"}"), PrintCase("{\"foo\"}", "{__name__=\"foo\"}"),
    PrintCase("{\"foo\", \"a.b\"=\"c\"}", "{\"a.b\"=\"c\",__name__=\"foo\"}"),
    PrintCase("foo{a!=\"b\", c=~\"d\", e!~'f'}", "foo{a!=\"b\",c=~\"d\",e!~\"f\"}"), PrintCase("sum", "sum"),
    PrintCase("by{a=\"b\"}", "by{a=\"b\"}"), PrintCase("offset", "offset"), PrintCase("foo:bar", "foo:bar"),
    PrintCase("{__name__=~\"a|b\"}", "{__name__=~\"a|b\"}"), PrintCase("foo{}", "foo"),
    PrintCase("foo{NaN='x'}", "foo{NaN=\"x\"}"), PrintCase("foo # a comment", "foo"),
    PrintCase("sum(\n  # comment\n  foo\n)", "sum(foo)"),
    // Modifiers: `@` before `offset`, durations canonical.
    PrintCase("foo offset 0s", "foo"), PrintCase("foo offset 60s", "foo offset 1m"), PrintCase("foo offset -90s", "foo offset -1m30s"),
    PrintCase("foo @ 1.5", "foo @ 1.500"), PrintCase("foo @ -1.5", "foo @ -1.500"), PrintCase("foo @ 1m", "foo @ 60.000"),
    PrintCase("foo @ 0.0005", "foo @ 0.001"), PrintCase("foo offset 5m @ 10", "foo @ 10.000 offset 5m"),
    PrintCase("foo @ START()", "foo @ start()"), PrintCase("foo[300]", "foo[5m]"), PrintCase("foo[1500ms]", "foo[1s500ms]"),
    PrintCase("foo[5m:]", "foo[5m:]"), PrintCase("foo[1h:5m] offset 1h @ end()", "foo[1h:5m] @ end() offset 1h"),
    PrintCase("rate(foo[5m])[1h:]", "rate(foo[5m])[1h:]"), PrintCase("foo offset 1m [10m:5s]", "foo offset 1m[10m:5s]"),
    PrintCase("foo[5m] offset 1m @ 2 anchored", "foo[5m] anchored @ 2.000 offset 1m"),
    // Operators.
    PrintCase("a+b*c", "a + b * c"), PrintCase("(a+b)*c", "(a + b) * c"), PrintCase("a^b^c", "a ^ b ^ c"),
    PrintCase("-a^b", "-a ^ b"), PrintCase("a ATAN2 b", "a atan2 b"), PrintCase("a AND b", "a and b"),
    PrintCase("a > bool b", "a > bool b"), PrintCase("a unless on(x) b", "a unless on (x) b"),
    PrintCase("a / ignoring(x) group_left(y) b", "a / ignoring (x) group_left (y) b"), PrintCase("a </ 5", "a </ 5"),
    PrintCase("a >/ 5", "a >/ 5"), PrintCase("a * on() group_right b", "a * on () group_right () b"),
    PrintCase("a + fill(0.5) b", "a + fill (0.5) b"), PrintCase("a + fill(1e6) b", "a + fill (1e+06) b"),
    PrintCase("a + fill_right(-1e-5) b", "a + fill_right (-1e-05) b"), PrintCase("- - foo", "--foo"),
    PrintCase("-(1)", "-(1)"), PrintCase("+foo", "+foo"), PrintCase("1 == bool 1", "1 == bool 1"),
    // Aggregations.
    PrintCase("SUM(foo)", "sum(foo)"), PrintCase("sum(foo) by (a,b)", "sum by (a, b) (foo)"),
    PrintCase("avg without(a)(foo)", "avg without (a) (foo)"), PrintCase("count by () (foo)", "count(foo)"),
    PrintCase("count without () (foo)", "count without () (foo)"), PrintCase("bottomk by (a) (3, foo)", "bottomk by (a) (3, foo)"),
    PrintCase("quantile(0.9, foo)", "quantile(0.9, foo)"), PrintCase("group(foo)", "group(foo)"),
    PrintCase("stddev(foo) + stdvar(foo)", "stddev(foo) + stdvar(foo)"), PrintCase("min(foo) / max(foo)", "min(foo) / max(foo)"),
    PrintCase("limitk(2, foo)", "limitk(2, foo)"), PrintCase("limit_ratio(-0.5, foo)", "limit_ratio(-0.5, foo)"),
    PrintCase("sum by (foo:bar) (x)", "sum by (\"foo:bar\") (x)"), PrintCase("sum by (AND, offset) (x)", "sum by (AND, offset) (x)"),
    PrintCase("count_values without(a) ('v', foo)", "count_values without (a) (\"v\", foo)"),
    // Functions.
    PrintCase("time()", "time()"), PrintCase("vector(1)", "vector(1)"),
    PrintCase("label_replace(foo, 'a', '$1', 'b', '(.*)')", "label_replace(foo, \"a\", \"$1\", \"b\", \"(.*)\")"),
    PrintCase("histogram_quantile(0.9, rate(foo_bucket[5m]))", "histogram_quantile(0.9, rate(foo_bucket[5m]))"),
    PrintCase("round(foo)", "round(foo)"), PrintCase("round(foo, 0.5)", "round(foo, 0.5)"),
    PrintCase("label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")", "label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")"),
    PrintCase("sort_by_label(foo, \"a\", \"b\")", "sort_by_label(foo, \"a\", \"b\")"), PrintCase("info(foo, {a=\"b\"})", "info(foo, {a=\"b\"})"),
    PrintCase("step()", "step()"), PrintCase("min_of(1, 2)", "min_of(1, 2)"), PrintCase("day_of_week()", "day_of_week()"),
    // Duration expressions.
    PrintCase("foo[2*step()]", "foo[2 * step()]"), PrintCase("foo offset -(1h)", "foo offset -1h"),
    PrintCase("foo[10m:step()]", "foo[10m:step()]"), PrintCase("foo[(1h)]", "foo[1h]"), PrintCase("foo offset +(5)", "foo offset 5s"),
    PrintCase("foo[((step()))]", "foo[(step())]"), PrintCase("foo[1h % 7m ^ 2]", "foo[1h % 7m ^ 2]"),
    // U+FFFD prints as an escape, since the lexer refuses it written out (found by fuzzing: `\xff` in a
    // label value became U+FFFD, printed literally, and the printed query no longer parsed).
    PrintCase("foo{a=~\"x\\xffy\"}", "foo{a=~\"x\\ufffdy\"}"), PrintCase("\"\\ufffd\"", "\"\\ufffd\""),
    PrintCase("{\"a\\ufffd\"=\"b\"}", "{\"a\\ufffd\"=\"b\"}"),
    // Near the 2^63 ns limit seconds in a Double are microseconds off: a duration literal rounds to its
    // whole milliseconds (found by fuzzing: the printed offset re-parsed 1 ms shorter).
    PrintCase("metric offset -9223372036.8545", "metric offset -106751d23h47m16s854ms"),
    PrintCase("metric offset -106751d23h47m16s854ms", "metric offset -106751d23h47m16s854ms"),
    PrintCase("metric[106751d23h47m16s854ms]", "metric[106751d23h47m16s854ms]"),
    PrintCase("metric[(106751d23h47m16s854ms)]", "metric[106751d23h47m16s854ms]"),
]

@Suite("Printer")
struct PrinterTests {
    @Test("numbers, strings, selectors, operators and functions print canonically", arguments: ownPrintCases)
    func ownCase(_ testCase: PrintCase) throws {
        // Expects the canonical text, and that it parses back to the same tree.
        let expr = try parseExpr(testCase.input, options: .allFeatures)
        #expect(expr.description == testCase.output)
        let reparsed = try parseExpr(expr.description, options: .allFeatures)
        #expect(reparsed.normalizedForComparison() == expr.normalizedForComparison())
    }

    @Test("short queries pretty-print on one line")
    func prettyShort() throws {
        // Expects the one-line form when it fits in the default 100 bytes.
        let expr = try parseExpr("sum by (job) (rate(foo[5m]))")
        #expect(expr.prettyPrinted() == "sum by (job) (rate(foo[5m]))")
    }

    @Test("durations format like Prometheus's model.Duration")
    func durations() {
        // Expects the largest units first, years and weeks only when exact, `0s` for zero.
        #expect(formatDuration(milliseconds: 0) == "0s")
        #expect(formatDuration(milliseconds: 90_061_001) == "1d1h1m1s1ms")
        #expect(formatDuration(milliseconds: 8 * 86_400_000) == "8d")
        #expect(formatDuration(milliseconds: 14 * 86_400_000) == "2w")
        #expect(formatDuration(milliseconds: 366 * 86_400_000) == "366d")
        #expect(formatDuration(milliseconds: -300_000) == "-5m")
    }
}
