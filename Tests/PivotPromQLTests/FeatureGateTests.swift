import PivotPromQL
import Testing

@Suite("Experimental features are off by default")
struct FeatureGateTests {
    private func message(_ query: String, _ options: ParserOptions = .init()) throws -> String {
        try #require(throws: ParseError.self) { try parseExpr(query, options: options) }.message
    }

    @Test("experimental functions need enableExperimentalFunctions", arguments: [
        "info(foo)", "sort_by_label(foo, \"a\")", "sort_by_label_desc(foo, \"a\")", "mad_over_time(foo[5m])",
        "double_exponential_smoothing(foo[5m], 0.5, 0.5)", "histogram_quantiles(foo, \"q\", 0.5)", "start_timestamp(foo)",
        "ts_of_max_over_time(foo[5m])", "step()", "range()", "start()", "end()", "max_of(1, 2)",
    ])
    func experimentalFunction(_ query: String) throws {
        // Expects Prometheus's "not enabled" error naming the function, and success once enabled.
        let name = String(query.prefix(while: { $0 != "(" }))
        #expect(try message(query) == "function \"\(name)\" is not enabled")
        #expect(throws: Never.self) { try parseExpr(query, options: ParserOptions(enableExperimentalFunctions: true)) }
    }

    @Test("limitk and limit_ratio need enableExperimentalFunctions")
    func experimentalAggregations() throws {
        // Expects the aggregation's feature-flag message over the whole aggregation.
        let error = try #require(throws: ParseError.self) { try parseExpr("limitk(2, foo)") }
        #expect(error.message == "limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions")
        #expect(error.position == PositionRange(start: 0, end: 14))
        #expect(
            try message("limit_ratio(0.5, foo)")
                == "limit_ratio() is experimental and must be enabled with --enable-feature=promql-experimental-functions")
        #expect(throws: Never.self) { try parseExpr("limitk(2, foo)", options: ParserOptions(enableExperimentalFunctions: true)) }
    }

    @Test("duration arithmetic needs experimentalDurationExpressions", arguments: [
        "foo[5m+1m]", "foo[step()]", "foo[range()]", "foo[max_of(1m, 2m)]", "foo offset (5m)", "foo offset -step()",
        "foo[5m:(1m)]", "foo[(5m)]",
    ])
    func durationExpressions(_ query: String) throws {
        // Expects Prometheus's message without the option and a parse with it.
        #expect(try message(query) == "experimental duration expression is not enabled")
        #expect(throws: Never.self) { try parseExpr(query, options: ParserOptions(experimentalDurationExpressions: true)) }
    }

    @Test("plain literals and signs in ranges and offsets need no option")
    func literalDurations() {
        // Expects literal ranges, steps and signed offsets to parse with default options.
        for query in ["foo[5m]", "foo[5m:1m]", "foo offset -5m", "foo offset +30", "foo[90]"] {
            #expect(throws: Never.self) { try parseExpr(query) }
        }
    }

    @Test("anchored and smoothed need enableExtendedRangeSelectors")
    func extendedRangeSelectors() throws {
        // Expects the modifier's "experimental and not enabled" message and a parse once enabled.
        #expect(try message("foo[5m] anchored") == "anchored modifier is experimental and not enabled")
        #expect(try message("foo smoothed") == "smoothed modifier is experimental and not enabled")
        let enabled = ParserOptions(enableExtendedRangeSelectors: true)
        #expect(throws: Never.self) { try parseExpr("rate(foo[5m] smoothed)", options: enabled) }
        #expect(try message("foo[5m:1m] anchored", enabled) == "anchored modifier is not supported for subqueries")
        #expect(try message("foo anchored smoothed", enabled) == "anchored and smoothed modifiers cannot be used together")
        #expect(try message("(foo) anchored", enabled) == "anchored modifier not implemented")
    }

    @Test("fill modifiers need enableBinopFillModifiers")
    func fillModifiers() throws {
        // Expects the fill message without the option, and Prometheus's fill checks with it.
        let error = try #require(throws: ParseError.self) { try parseExpr("a + fill(0) b") }
        #expect(error.message == "binop fill modifiers are experimental and not enabled")
        #expect(error.position == PositionRange(start: 0, end: 13))
        let enabled = ParserOptions(enableBinopFillModifiers: true)
        #expect(throws: Never.self) { try parseExpr("a + fill_left(1) fill_right(2) b", options: enabled) }
        #expect(try message("a and fill(0) b", enabled) == "filling in missing series not allowed for set operators")
        #expect(try message("1 + fill(0) a", enabled) == "filling in missing series only allowed between instant vectors")
    }

    @Test("all features together parse the conformance configuration")
    func allFeatures() {
        // Expects ParserOptions.allFeatures to enable every gate at once.
        let query = "limitk(1, info(rate(foo[step() + 1m] smoothed))) + fill(0) bar"
        #expect(throws: Never.self) { try parseExpr(query, options: .allFeatures) }
    }
}
