import PivotPromQL
import Testing

@Suite("Function catalog")
struct FunctionCatalogTests {
    /// Every function of Prometheus v3.14 (`promql/parser/functions.go`).
    static let prometheusFunctions = [
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time", "ceil",
        "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month", "day_of_week",
        "day_of_year", "days_in_month", "deg", "delta", "deriv", "double_exponential_smoothing", "end", "exp",
        "first_over_time", "floor", "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile",
        "histogram_quantiles", "histogram_stddev", "histogram_stdvar", "histogram_sum", "hour", "idelta", "increase",
        "info", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "mad_over_time",
        "max_of", "max_over_time", "min_of", "min_over_time", "minute", "month", "pi", "predict_linear",
        "present_over_time", "quantile_over_time", "rad", "range", "rate", "resets", "round", "scalar", "sgn", "sin",
        "sinh", "sort", "sort_by_label", "sort_by_label_desc", "sort_desc", "sqrt", "start", "start_timestamp", "step",
        "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp",
        "ts_of_first_over_time", "ts_of_last_over_time", "ts_of_max_over_time", "ts_of_min_over_time", "vector", "year",
    ]

    @Test("the catalog has exactly Prometheus's functions")
    func completeness() {
        // Expects the same 90 names, no more and no fewer.
        #expect(Set(FunctionSpec.all.keys) == Set(Self.prometheusFunctions))
        #expect(Self.prometheusFunctions.count == 90)
    }

    @Test("the experimental functions are the ones Prometheus gates")
    func experimentalSet() {
        // Expects the v3.14 list of functions flagged Experimental.
        let experimental = Set(FunctionSpec.all.values.filter(\.isExperimental).map(\.name))
        #expect(
            experimental == [
                "double_exponential_smoothing", "end", "histogram_quantiles", "info", "mad_over_time", "max_of", "min_of",
                "range", "sort_by_label", "sort_by_label_desc", "start", "start_timestamp", "step",
                "ts_of_first_over_time", "ts_of_last_over_time", "ts_of_max_over_time", "ts_of_min_over_time",
            ])
    }

    @Test("signatures record argument types, arity and result")
    func signatures() throws {
        // Expects rate(range vector) → vector, optional date arguments, unlimited label_join labels.
        let rate = try #require(FunctionSpec.named("rate"))
        #expect(rate.argumentTypes == [.matrix] && rate.returnType == .vector && rate.variadic == 0)
        let hour = try #require(FunctionSpec.named("hour"))
        #expect(hour.minimumArgumentCount == 0 && hour.maximumArgumentCount == 1)
        let labelJoin = try #require(FunctionSpec.named("label_join"))
        #expect(labelJoin.minimumArgumentCount == 3 && labelJoin.maximumArgumentCount == nil)
        #expect(labelJoin.argumentType(at: 7) == .string)
        let quantiles = try #require(FunctionSpec.named("histogram_quantiles"))
        #expect(quantiles.minimumArgumentCount == 3 && quantiles.maximumArgumentCount == 12)
        #expect(FunctionSpec.named("scalar")?.returnType == .scalar)
        #expect(FunctionSpec.named("time")?.argumentTypes == [])
        #expect(FunctionSpec.named("Rate") == nil)
        #expect(FunctionSpec.named("clamp")?.argumentType(at: 3) == nil)
    }

    @Test("calls are checked against the signatures")
    func arity() throws {
        // Expects optional and variadic arguments to be accepted within their bounds.
        let options = ParserOptions.allFeatures
        for query in [
            "hour()", "hour(foo)", "round(foo)", "round(foo, 5)", "label_join(foo, \"a\", \",\")",
            "label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\", \"e\")", "histogram_quantiles(foo, \"q\", 0.1, 0.2, 0.3)",
            "sort_by_label(foo)", "info(foo)", "predict_linear(foo[5m], 60)", "absent_over_time(foo[5m:])",
            "quantile_over_time(0.5, foo[5m])", "clamp(foo, 0, 1)", "histogram_fraction(0, 1, foo)", "pi()",
        ] {
            #expect(throws: Never.self, "\(query)") { try parseExpr(query, options: options) }
        }
    }

    @Test("info's second argument must be a label selector")
    func infoSelector() throws {
        // Expects a name-less selector to be accepted even when every matcher matches the empty string.
        let options = ParserOptions(enableExperimentalFunctions: true)
        #expect(throws: Never.self) { try parseExpr("info(foo, {a=~\".*\"})", options: options) }
        let error = try #require(throws: ParseError.self) { try parseExpr("info(foo, bar)", options: options) }
        #expect(error.message == "expected label selectors only, got vector selector instead")
        let scalar = try #require(throws: ParseError.self) { try parseExpr("info(foo, 1)", options: options) }
        #expect(scalar.message == "expected type instant vector in call to function \"info\", got scalar")
    }
}
