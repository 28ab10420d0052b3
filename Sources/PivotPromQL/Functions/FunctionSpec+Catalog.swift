extension FunctionSpec {
    /// The Prometheus v3.14 function table (`promql/parser/functions.go`), transcribed as data.
    static let catalog: [String: FunctionSpec] = {
        var table: [String: FunctionSpec] = [:]
        func add(_ name: String, _ args: [ValueType], _ result: ValueType = .vector, variadic: Int = 0,
                 experimental: Bool = false) {
            table[name] = FunctionSpec(
                name: name, argumentTypes: args, variadic: variadic, returnType: result, isExperimental: experimental)
        }
        let v = ValueType.vector, m = ValueType.matrix, s = ValueType.scalar, str = ValueType.string

        // Instant-vector element-wise math.
        for name in [
            "abs", "absent", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "deg", "exp",
            "floor", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "tan", "tanh",
            "timestamp", "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar",
        ] {
            add(name, [v])
        }
        // Range-vector functions.
        for name in [
            "absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv", "first_over_time",
            "idelta", "increase", "irate", "last_over_time", "max_over_time", "min_over_time", "present_over_time",
            "rate", "resets", "stddev_over_time", "stdvar_over_time", "sum_over_time",
        ] {
            add(name, [m])
        }
        for name in ["mad_over_time", "ts_of_first_over_time", "ts_of_max_over_time", "ts_of_min_over_time",
                     "ts_of_last_over_time"] {
            add(name, [m], experimental: true)
        }
        // Date functions take an optional instant vector.
        for name in ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"] {
            add(name, [v], variadic: 1)
        }
        add("clamp", [v, s, s])
        add("clamp_max", [v, s])
        add("clamp_min", [v, s])
        add("histogram_fraction", [s, s, v])
        add("histogram_quantile", [s, v])
        add("histogram_quantiles", [v, str, s, s], variadic: 9, experimental: true)
        add("double_exponential_smoothing", [m, s, s], experimental: true)
        add("info", [v, v], variadic: 1, experimental: true)
        add("label_replace", [v, str, str, str, str])
        add("label_join", [v, str, str, str], variadic: -1)
        add("pi", [], s)
        add("predict_linear", [m, s])
        add("quantile_over_time", [s, m])
        add("round", [v, s], variadic: 1)
        add("scalar", [v], s)
        add("sort_by_label", [v, str], variadic: -1, experimental: true)
        add("sort_by_label_desc", [v, str], variadic: -1, experimental: true)
        add("start_timestamp", [v], experimental: true)
        add("time", [], s)
        add("vector", [s])
        // Query-context functions (experimental as functions; `@ start()` and `[step()]` are separate syntax).
        for name in ["start", "end", "step", "range"] {
            add(name, [], s, experimental: true)
        }
        add("max_of", [s, s], s, experimental: true)
        add("min_of", [s, s], s, experimental: true)
        return table
    }()
}
