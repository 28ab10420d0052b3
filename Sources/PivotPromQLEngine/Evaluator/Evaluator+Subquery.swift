import PivotModel
import PivotPromQL

extension Evaluator {
    /// Evaluates a subquery's inner expression on its own grid, aligned to multiples of its step, covering
    /// every window the outer grid needs. Returns the points as range series with the window and references.
    func loadSubquery(_ subquery: Subquery, _ grid: Grid) throws(EngineError) -> (series: [RangeSeries], range: Int64, refs: ReferenceTimes) {
        let range = try resolve(subquery.range, allowNegative: false)
        let step = subquery.step == nil ? options.defaultSubqueryStep : try resolve(subquery.step, allowNegative: false)
        // A duration expression can compute a zero step (`[1h:(1-1)s]`); it has no grid.
        guard step > 0 else { throw EngineError.execution("subquery step must be positive, got \(step)ms") }
        let refs = try referenceTimes(at: subquery.at, offset: subquery.offset)
        let (minRef, maxRef) = refs.bounds(grid)
        // The first step strictly after the earliest window start, aligned to the step.
        let lowest = minRef - range
        var start = step * (lowest / step)
        if start <= lowest { start += step }
        let inner = Grid(start: start, end: maxRef, step: step)
        guard inner.count > 0 else { return ([], range, refs) }
        // Every inner step holds at least one value while it is evaluated (a scalar, or a series that
        // matches), so a grid longer than the sample limit is refused before anything is allocated
        // for it; `x[100y:1ms]` would otherwise ask for terabytes at once.
        guard inner.count <= options.maxSamples else {
            throw EngineError(
                .tooManySamples,
                "query processing would load too many samples into memory in subquery evaluation (\(inner.count) steps)")
        }
        let series: [EvalSeries]
        switch try eval(subquery.expr, inner) {
        case .vector(let vector): series = vector
        case .scalar(let values):
            series = [EvalSeries(
                labels: .empty, points: values.indices.map { FloatPoint(timestamp: inner.time($0), value: values[$0]) },
                dropName: false)]
        default: throw EngineError.execution("subquery expression must be a scalar or instant vector")
        }
        return (series.map { RangeSeries(labels: $0.labels, points: $0.points, dropName: $0.dropName) }, range, refs)
    }

    /// A subquery evaluated on its own (`expr[5m:1m]` in an instant query): the inner points in the window.
    func subqueryAsMatrix(_ subquery: Subquery, _ grid: Grid) throws(EngineError) -> [EvalSeries] {
        let (series, range, refs) = try loadSubquery(subquery, grid)
        let end = refs.time(at: grid.start)
        return series.compactMap { element in
            let window = element.window(end: end, range: range)
            return window.isEmpty ? nil : EvalSeries(labels: element.labels, points: Array(window), dropName: element.dropName)
        }
    }

    /// The range series, window length and reference times of a function's range-vector argument
    /// (a range selector or a subquery, possibly in parentheses).
    func loadRangeArgument(_ expr: Expr, _ grid: Grid) throws(EngineError) -> (series: [RangeSeries], range: Int64, refs: ReferenceTimes) {
        switch expr.unwrappingParens {
        case .matrixSelector(let selector): return try loadRange(selector, grid)
        case .subquery(let subquery): return try loadSubquery(subquery, grid)
        default: throw EngineError.execution("expected a range vector argument")
        }
    }
}
