import PivotModel
import PivotPromQL
import PivotStorage

/// Evaluates PromQL queries with Prometheus 3's semantics over a `Queryable`.
///
/// Times are milliseconds since the Unix epoch. Queries run synchronously on the calling task; they
/// stop with `canceled` when that task is cancelled and with `timeout` after `EngineOptions.timeout`.
/// Native histograms are not supported yet: a query that reads one fails with `notSupported`.
public struct Engine: Sendable {
    public let queryable: any Queryable
    public let options: EngineOptions

    public init(queryable: any Queryable, options: EngineOptions = EngineOptions()) {
        self.queryable = queryable
        self.options = options
    }

    /// Parses a query with the engine's parser options; a problem becomes a `badData` error.
    public func parse(_ query: String) throws(EngineError) -> Expr {
        do {
            return try parseExpr(query, options: options.parserOptions)
        } catch {
            throw EngineError(.badData, error.description)
        }
    }

    /// Evaluates `query` at `time`.
    public func instantQuery(_ query: String, at time: Int64) throws(EngineError) -> QueryResult {
        try instantQuery(parse(query), at: time)
    }

    /// Evaluates a parsed expression at `time`.
    public func instantQuery(_ expr: Expr, at time: Int64) throws(EngineError) -> QueryResult {
        let evaluator = Evaluator(queryable: queryable, options: options, start: time, end: time, step: 0)
        // An instant vector comes in the store's order, as Prometheus's does (its engine selects
        // unsorted): no label sort. Aggregations that pick series (`topk`…) still ask for label order.
        evaluator.selectsUnordered = true
        let grid = Grid(start: time, end: time, step: 1)
        let value: QueryValue
        switch try evaluator.eval(expr, grid) {
        case .scalar(let values):
            value = .scalar(FloatPoint(timestamp: time, value: values.first ?? .nan))
        case .string(let text):
            value = .string(text, timestamp: time)
        case .vector(let series):
            let named = try evaluator.finalizeNames(series, instant: true)
            value = .vector(named.compactMap { element in
                element.points.first.map { VectorElement(labels: element.labels, timestamp: time, value: $0.value) }
            })
        case .matrix(let series):
            let named = try evaluator.finalizeNames(series, instant: false)
            value = .matrix(named.map { Series(labels: $0.labels, points: $0.points) }.sorted { $0.labels < $1.labels })
        }
        return QueryResult(value: value, annotations: evaluator.annotations)
    }

    /// Evaluates `query` at `start`, `start + step`, … up to `end` (milliseconds). The result is always a
    /// matrix with series sorted by labels.
    public func rangeQuery(_ query: String, start: Int64, end: Int64, step: Int64) throws(EngineError) -> QueryResult {
        try rangeQuery(parse(query), start: start, end: end, step: step)
    }

    /// Evaluates a parsed expression over a range.
    public func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64) throws(EngineError) -> QueryResult {
        guard step > 0 else {
            throw EngineError(
                .badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard end >= start else { throw EngineError(.badData, "end timestamp must not be before start time") }
        guard (end - start) / step <= Int64(options.maxPointsPerSeries) else {
            throw EngineError(
                .badData,
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        guard expr.type == .scalar || expr.type == .vector else {
            throw EngineError(
                .badData,
                "invalid expression type \"\(expr.type.documentedName)\" for range query, must be Scalar or instant Vector")
        }
        let evaluator = Evaluator(queryable: queryable, options: options, start: start, end: end, step: step)
        let grid = Grid(start: start, end: end, step: step)
        var series: [Series]
        switch try evaluator.eval(expr, grid) {
        case .scalar(let values):
            series = [Series(
                labels: .empty, points: values.indices.map { FloatPoint(timestamp: grid.time($0), value: values[$0]) })]
        case .vector(let evaluated):
            series = try evaluator.finalizeNames(evaluated, instant: false).map { Series(labels: $0.labels, points: $0.points) }
        default:
            throw EngineError(.badData, "invalid expression type for range query, must be Scalar or instant Vector")
        }
        series.sort { $0.labels < $1.labels }
        return QueryResult(value: .matrix(series), annotations: evaluator.annotations)
    }
}
