import PivotModel
import PivotPromQL
import PivotStorage

/// Evaluates one query: walks the expression tree and computes every node for all steps of a grid at
/// once, as Prometheus's engine does. Not shared between tasks.
final class Evaluator {
    let queryable: any Queryable
    let options: EngineOptions
    /// The outer query's range, for `@ start()`, `@ end()` and duration expressions (milliseconds).
    let queryStart: Int64
    let queryEnd: Int64
    /// The outer query's step; 0 for an instant query.
    let queryStep: Int64
    let deadline: ContinuousClock.Instant
    var annotations = Annotations()
    /// Samples currently held by evaluated nodes (approximate, as Prometheus's accounting).
    var currentSamples = 0
    /// Set while an aggregation evaluates an argument whose series order cannot show in the result
    /// (`isOrderFree`): selectors may then read the store without sorting.
    var selectsUnordered = false

    init(queryable: any Queryable, options: EngineOptions, start: Int64, end: Int64, step: Int64) {
        self.queryable = queryable
        self.options = options
        self.queryStart = start
        self.queryEnd = end
        self.queryStep = step
        self.deadline = ContinuousClock.now.advanced(by: options.timeout)
    }

    var delayedNameRemoval: Bool { options.delayedNameRemoval }

    /// Fails when the task was cancelled or the query ran out of time.
    func checkInterrupt() throws(EngineError) {
        if Task.isCancelled { throw EngineError(.canceled, "query was canceled in expression evaluation") }
        if ContinuousClock.now > deadline { throw EngineError(.timeout, "query timed out in expression evaluation") }
    }

    /// Counts `count` more samples in memory and fails above `maxSamples`.
    func account(_ count: Int) throws(EngineError) {
        currentSamples += count
        if currentSamples > options.maxSamples {
            throw EngineError(
                .tooManySamples, "query processing would load too many samples into memory in query execution")
        }
    }

    func eval(_ expr: Expr, _ grid: Grid) throws(EngineError) -> Evaluated {
        try checkInterrupt()
        switch expr {
        case .numberLiteral(let literal):
            return .scalar(Array(repeating: literal.value, count: grid.count))
        case .stringLiteral(let literal):
            return .string(literal.value)
        case .paren(let paren):
            return try eval(paren.expr, grid)
        case .unary(let unary):
            let value = try eval(unary.expr, grid)
            guard unary.op == .minus else { return value }
            return try negate(value)
        case .vectorSelector(let selector):
            return .vector(try selectVector(selector, grid, value: .sampleValue))
        case .matrixSelector(let selector):
            return .matrix(try rangeSelectorAsMatrix(selector, grid))
        case .subquery(let subquery):
            return .matrix(try subqueryAsMatrix(subquery, grid))
        case .call(let call):
            return try evalCall(call, grid)
        case .aggregate(let aggregate):
            return try evalAggregate(aggregate, grid)
        case .binary(let binary):
            return try evalBinary(binary, grid)
        }
    }

    private func negate(_ value: Evaluated) throws(EngineError) -> Evaluated {
        switch value {
        case .scalar(let values): return .scalar(values.map { -$0 })
        case .vector(var series):
            for i in series.indices {
                if !delayedNameRemoval { series[i].labels = series[i].labels.droppingMetricName }
                series[i].dropName = true
                for j in series[i].points.indices { series[i].points[j].value = -series[i].points[j].value }
            }
            return .vector(delayedNameRemoval ? series : try mergeSameLabelsets(series))
        default: return value
        }
    }

    /// Evaluates `expr` expecting a scalar (one value per step).
    func evalScalar(_ expr: Expr, _ grid: Grid) throws(EngineError) -> [Double] {
        switch try eval(expr, grid) {
        case .scalar(let values): return values
        default: throw EngineError.execution("expected scalar expression")
        }
    }

    /// Evaluates `expr` expecting an instant vector.
    func evalVector(_ expr: Expr, _ grid: Grid) throws(EngineError) -> [EvalSeries] {
        switch try eval(expr, grid) {
        case .vector(let series): return series
        case .scalar(let values):
            // A scalar used where series are needed: one series without labels.
            return [EvalSeries(
                labels: .empty, points: values.indices.map { FloatPoint(timestamp: grid.time($0), value: values[$0]) },
                dropName: false)]
        default: throw EngineError.execution("expected instant vector expression")
        }
    }

    /// Merges series that have equal labels (after a relabelling or a name removal) when their points
    /// do not overlap; overlapping points fail with Prometheus's collision error.
    func mergeSameLabelsets(_ series: [EvalSeries]) throws(EngineError) -> [EvalSeries] {
        guard series.count > 1 else { return series }
        var index: [Labels: Int] = [:]
        var merged: [EvalSeries] = []
        var needsSort = Set<Int>()
        for element in series {
            if let at = index[element.labels] {
                merged[at].points += element.points
                needsSort.insert(at)
            } else {
                index[element.labels] = merged.count
                merged.append(element)
            }
        }
        for at in needsSort {
            merged[at].points.sort { $0.timestamp < $1.timestamp }
            let points = merged[at].points
            for i in 1..<points.count where points[i].timestamp == points[i - 1].timestamp {
                throw EngineError.sameLabelset
            }
        }
        return merged
    }

    /// Removes `__name__` from series marked for it (delayed name removal) and checks that no two
    /// series end up with the same labels at the same time.
    func finalizeNames(_ series: [EvalSeries], instant: Bool) throws(EngineError) -> [EvalSeries] {
        guard delayedNameRemoval else { return series }
        var out = series
        for i in out.indices where out[i].dropName {
            out[i].labels = out[i].labels.droppingMetricName
            out[i].dropName = false
        }
        if instant {
            var seen = Set<Labels>()
            for element in out where !seen.insert(element.labels).inserted { throw EngineError.sameLabelset }
            return out
        }
        return try mergeSameLabelsets(out)
    }
}
