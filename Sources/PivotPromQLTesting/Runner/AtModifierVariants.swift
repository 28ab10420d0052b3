import PivotPromQL

/// Prometheus's `@`-modifier re-runs of an instant case: every selector and subquery without `@`
/// gets `@ <eval time>` (selectors inside subqueries are left alone), and the query must give the same
/// result at several other evaluation times.
enum AtModifierVariants {
    /// Functions whose result depends on the evaluation time even with step-invariant arguments.
    static let unsafeFunctions: Set<String> = [
        "time", "timestamp", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute",
        "month", "year", "predict_linear", "start", "end", "range", "step",
    ]

    static func variants(of expr: Expr, at time: Int64) -> [(Expr, Int64)] {
        var unsafe = false
        expr.walk { node in
            if case .call(let call) = node, unsafeFunctions.contains(call.function.name) { unsafe = true }
        }
        if unsafe { return [] }
        let rewritten = settingAt(expr, time)
        let times: [Int64] = time == 0 ? [-1000, 0, 1000] : [-10 * time, 0, time / 5, time, 10 * time]
        return times.map { (rewritten, $0) }
    }

    static func settingAt(_ expr: Expr, _ time: Int64) -> Expr {
        switch expr {
        case .vectorSelector(var selector):
            if selector.at == nil { selector.at = .timestamp(milliseconds: time) }
            return .vectorSelector(selector)
        case .matrixSelector(var selector):
            if selector.vectorSelector.at == nil { selector.vectorSelector.at = .timestamp(milliseconds: time) }
            return .matrixSelector(selector)
        case .subquery(var subquery):
            if subquery.at == nil { subquery.at = .timestamp(milliseconds: time) }
            return .subquery(subquery)
        case .call(var call):
            call.args = call.args.map { settingAt($0, time) }
            return .call(call)
        case .aggregate(var aggregate):
            aggregate.expr = settingAt(aggregate.expr, time)
            aggregate.param = aggregate.param.map { settingAt($0, time) }
            return .aggregate(aggregate)
        case .binary(var binary):
            binary.lhs = settingAt(binary.lhs, time)
            binary.rhs = settingAt(binary.rhs, time)
            return .binary(binary)
        case .unary(var unary):
            unary.expr = settingAt(unary.expr, time)
            return .unary(unary)
        case .paren(var paren):
            paren.expr = settingAt(paren.expr, time)
            return .paren(paren)
        case .numberLiteral, .stringLiteral:
            return expr
        }
    }
}
