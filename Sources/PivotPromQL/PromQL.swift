import PivotModel

/// Parses and type-checks a PromQL expression with Prometheus 3's grammar.
///
/// Throws the first problem Prometheus would report, with its message and position
/// (`ParseError.description` reads like Prometheus's `1:5: parse error: …`).
public func parseExpr(_ query: String, options: ParserOptions = .init()) throws(ParseError) -> Expr {
    var parser = Parser(query: query, options: options)
    return try parser.parseQuery()
}

/// Parses a series selector as the `match[]` parameter of the HTTP API takes it (`up{job="x"}`,
/// `{__name__=~"a|b"}`, `{"my.metric"}`), returning its matchers; a name before the braces becomes a
/// `__name__` matcher placed last. Like Prometheus, it does not require a non-empty matcher.
public func parseMetricSelector(_ selector: String) throws(ParseError) -> [LabelMatcher] {
    var parser = Parser(query: selector, options: .init())
    return try parser.parseMetricSelectorInput()
}

/// Parses a Prometheus duration (`5m`, `1h30m`, `10s53ms`, `2w`, `1y`, or `0`) into milliseconds.
/// Units must appear in the order `y w d h m s ms`; signs and fractions are not accepted.
/// Errors carry Prometheus's messages (`not a valid duration string: "5m1h"`).
public func parseDuration(_ text: String) throws(ParseError) -> Int64 {
    switch PromDuration.parseNanoseconds(text) {
    case .success(let nanoseconds): return nanoseconds / 1_000_000
    case .failure(let failure):
        throw ParseError(
            code: .invalid, message: failure.message, position: PositionRange(start: 0, end: text.utf8.count),
            query: text)
    }
}

/// Formats milliseconds as Prometheus prints durations (`1h30m`, `90d`, `2w`, `0s`, `-5m`).
public func formatDuration(milliseconds: Int64) -> String {
    PromDuration.format(milliseconds: milliseconds)
}
