import Dispatch
import Foundation
import Hummingbird
import PivotModel
import PivotPromQL
import PivotPromQLEngine
import PivotStorage

/// The Prometheus query API: `/api/v1/query`, `query_range`, `query_exemplars`, `format_query`,
/// `parse_query`, plus the empty `rules` and `alerts` Grafana asks for. GET and POST form.
public struct QueryRoutes: Sendable {
    public var backend: BackendSlot
    public var limits: QueryLimits
    let gate: QueryGate
    let costs = QueryCostMemory()
    let parsed = ParsedQueries()
    /// The clock for a missing `time` parameter, in milliseconds (tests inject a fixed one).
    public var now: @Sendable () -> Int64

    public init(backend: BackendSlot, limits: QueryLimits = QueryLimits(), now: @escaping @Sendable () -> Int64 = QueryRoutes.wallClock) {
        self.backend = backend
        self.limits = limits
        self.now = now
        gate = QueryGate(limit: limits.maxConcurrency)
    }

    /// The system's wall clock in milliseconds since the Unix epoch.
    public static let wallClock: @Sendable () -> Int64 = {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/api/v1/query", method: method) { request, _ in await routes.respond(request, routes.instant) }
            router.on("/api/v1/query_range", method: method) { request, _ in await routes.respond(request, routes.range) }
            router.on("/api/v1/query_exemplars", method: method) { request, _ in await routes.respond(request, routes.exemplars) }
            router.on("/api/v1/format_query", method: method) { request, _ in await routes.respond(request, routes.format) }
            router.on("/api/v1/parse_query", method: method) { request, _ in await routes.respond(request, routes.parseQuery) }
        }
        router.get("/api/v1/rules") { _, _ in apiSuccess(data: "{\"groups\":[]}") }
        router.get("/api/v1/alerts") { _, _ in apiSuccess(data: "{\"alerts\":[]}") }
        MethodNotAllowed.register(
            on: router, allowing: [.get, .post],
            paths: ["/api/v1/query", "/api/v1/query_range", "/api/v1/query_exemplars", "/api/v1/format_query", "/api/v1/parse_query"])
        MethodNotAllowed.register(on: router, allowing: [.get], paths: ["/api/v1/rules", "/api/v1/alerts"])
    }

    func respond(_ request: Request, _ body: @escaping @Sendable (APIParameters, Backend) async throws(APIError) -> Response) async -> Response {
        guard let backend = backend.current else {
            return APIError(.unavailable, "storage is not ready yet").response
        }
        do {
            let parameters = try await APIParameters.from(request)
            return try await body(parameters, backend)
        } catch let error as APIError {
            return error.response
        } catch {
            return APIError(.badData, "cannot read the request: \(error)").response
        }
    }

    // MARK: Endpoints

    func instant(_ parameters: APIParameters, _ backend: Backend) async throws(APIError) -> Response {
        jsonResponse(try await evaluate(try prepareInstant(parameters, backend)))
    }

    func range(_ parameters: APIParameters, _ backend: Backend) async throws(APIError) -> Response {
        jsonResponse(try await evaluate(try prepareRange(parameters, backend)))
    }

    /// An instant or range query with its parameters checked, ready to evaluate.
    struct PreparedQuery: Sendable {
        var shape: QueryCostMemory.Shape
        var run: @Sendable () throws(EngineError) -> QueryResult
    }

    func prepareInstant(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> PreparedQuery {
        let query = parameters.first("query") ?? ""
        let time = try APITime.parameter(parameters, "time", default: now())
        let engine = try makeEngine(parameters, backend)
        let parsed = parsed
        return PreparedQuery(shape: QueryCostMemory.Shape(query: query, range: 0, step: 0)) { () throws(EngineError) in
            try engine.instantQuery(parsed.expr(query, engine), at: time)
        }
    }

    func prepareRange(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> PreparedQuery {
        let query = parameters.first("query") ?? ""
        guard parameters.first("start") != nil else { throw APIError(.badData, "invalid parameter \"start\": missing") }
        guard parameters.first("end") != nil else { throw APIError(.badData, "invalid parameter \"end\": missing") }
        let start = try APITime.parameter(parameters, "start", default: 0)
        let end = try APITime.parameter(parameters, "end", default: 0)
        guard end >= start else { throw APIError(.badData, "invalid parameter \"end\": end timestamp must not be before start time") }
        guard let stepText = parameters.first("step") else { throw APIError(.badData, "invalid parameter \"step\": missing") }
        let step = try Self.duration(stepText, parameter: "step")
        guard step > 0 else {
            throw APIError(.badData, "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard (end - start) / step < 11_000 else {
            throw APIError(.badData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let engine = try makeEngine(parameters, backend)
        let parsed = parsed
        return PreparedQuery(shape: QueryCostMemory.Shape(query: query, range: end - start, step: step)) { () throws(EngineError) in
            try engine.rangeQuery(parsed.expr(query, engine), start: start, end: end, step: step)
        }
    }

    func exemplars(_ parameters: APIParameters, _ backend: Backend) async throws(APIError) -> Response {
        let query = parameters.first("query") ?? ""
        let start = try APITime.parameter(parameters, "start", default: APITime.minTime)
        let end = try APITime.parameter(parameters, "end", default: APITime.maxTime)
        guard end >= start else { throw APIError(.badData, "invalid parameter \"end\": end timestamp must not be before start time") }
        let expr: Expr
        do {
            expr = try parseExpr(query, options: ParserOptions.allFeatures)
        } catch {
            throw APIError(.badData, "invalid parameter \"query\": \(error)")
        }
        var matcherSets: [[LabelMatcher]] = []
        expr.walk { node in
            if case .vectorSelector(let selector) = node { matcherSets.append(selector.matchers) }
            if case .matrixSelector(let matrix) = node { matcherSets.append(matrix.vectorSelector.matchers) }
        }
        guard !matcherSets.isEmpty else { return apiSuccess(data: "[]") }
        let found: [SeriesExemplars]
        do {
            found = try backend.exemplars.exemplars(matcherSets, mint: start, maxt: end)
        } catch {
            throw APIError(.execution, error.message)
        }
        let items = found.map { series in
            let exemplars = series.exemplars.map { exemplar in
                "{\"labels\":" + QueryResultJSON.labels(exemplar.labels)
                    + ",\"value\":\"" + GoFloatFormat.apiValue(exemplar.value)
                    + "\",\"timestamp\":" + QueryResultJSON.timestamp(exemplar.timestamp) + "}"
            }
            return "{\"seriesLabels\":" + QueryResultJSON.labels(series.seriesLabels)
                + ",\"exemplars\":[" + exemplars.joined(separator: ",") + "]}"
        }
        return apiSuccess(data: "[" + items.joined(separator: ",") + "]")
    }

    func format(_ parameters: APIParameters, _ backend: Backend) async throws(APIError) -> Response {
        let query = parameters.first("query") ?? ""
        do {
            let expr = try parseExpr(query, options: ParserOptions.allFeatures)
            return apiSuccess(data: JSONString.quote(expr.prettyPrinted()))
        } catch {
            throw APIError(.badData, "invalid parameter \"query\": \(error)")
        }
    }

    func parseQuery(_ parameters: APIParameters, _ backend: Backend) async throws(APIError) -> Response {
        let query = parameters.first("query") ?? ""
        do {
            let expr = try parseExpr(query, options: ParserOptions.allFeatures)
            return apiSuccess(data: ExprJSON.encode(expr))
        } catch {
            throw APIError(.badData, "invalid parameter \"query\": \(error)")
        }
    }

    // MARK: Evaluation

    func makeEngine(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> Engine {
        var options = EngineOptions()
        options.maxSamples = limits.maxSamples
        options.lookbackDelta = limits.lookbackDeltaMilliseconds
        var timeout = limits.timeoutMilliseconds
        if let text = parameters.first("timeout"), !text.isEmpty {
            timeout = min(timeout, try Self.duration(text, parameter: "timeout"))
        }
        options.timeout = .milliseconds(timeout)
        return Engine(queryable: backend.queryable, options: options)
    }

    /// Runs a query at most `maxConcurrency` at a time and encodes its answer, the API's JSON body. A
    /// query whose last run of the same shape was quick (`QueryCostMemory`) runs on the request's
    /// task, on the connection's event loop, one such query at a time; any other on a thread of its
    /// own, so a long one never holds up a loop. The answer is encoded where it was computed: a large
    /// one is still in that core's cache, and its encoding (a megabyte of JSON takes milliseconds)
    /// holds up no loop either.
    func evaluate(_ query: PreparedQuery) async throws(APIError) -> ByteBuffer {
        let outcome: Result<ByteBuffer, EngineError>
        let gate = gate
        let costs = costs
        do {
            outcome = try await gate.run {
                if costs.isQuick(query.shape), gate.claimInline() {
                    defer { gate.releaseInline() }
                    return Self.timed(query, costs)
                }
                return await withCheckedContinuation { continuation in
                    DispatchQueue.global().async { continuation.resume(returning: Self.timed(query, costs)) }
                }
            }
        } catch {
            throw APIError(.internal, "\(error)")
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error): throw Self.apiError(error)
        }
    }

    /// Evaluates and encodes `query`, and remembers how long that took.
    static func timed(_ query: PreparedQuery, _ costs: QueryCostMemory) -> Result<ByteBuffer, EngineError> {
        let start = ContinuousClock.now
        defer { costs.record(query.shape, took: ContinuousClock.now - start) }
        do throws(EngineError) {
            return .success(ByteBuffer(bytes: try query.run().apiBody))
        } catch {
            return .failure(error)
        }
    }

    // MARK: On the connection

    /// Lets connections answer `/api/v1/query` and `/api/v1/query_range` themselves (`InlineRoutes`)
    /// when the query is known to be quick; the router answers every other request to them.
    public func registerInline(on inline: inout InlineRoutes) {
        let routes = self
        inline.add("/api/v1/query") { request in routes.answerInline(request, routes.prepareInstant) }
        inline.add("/api/v1/query_range") { request in routes.answerInline(request, routes.prepareRange) }
    }

    /// The answer to a query whose last run of the same shape was quick, evaluated right here on the
    /// connection's event loop while the inline slot and a `maxConcurrency` slot are free; nil for
    /// anything else (parameter errors included), which the router then answers.
    func answerInline(
        _ request: InlineRequest, _ prepare: (APIParameters, Backend) throws(APIError) -> PreparedQuery
    ) -> InlineAnswer? {
        guard let backend = backend.current else { return nil }
        let parameters = APIParameters.from(request.head, body: request.body)
        guard let query = try? prepare(parameters, backend), costs.isQuick(query.shape) else { return nil }
        guard gate.tryEnter() else { return nil }
        defer { gate.leave() }
        guard gate.claimInline() else { return nil }
        defer { gate.releaseInline() }
        switch Self.timed(query, costs) {
        case .success(let body): return InlineAnswer(status: .ok, contentType: "application/json", body: body)
        case .failure(let error): return Self.apiError(error).answer
        }
    }

    static func apiError(_ error: EngineError) -> APIError {
        switch error.code {
        case .badData, .notSupported: APIError(.badData, error.message)
        case .timeout: APIError(.timeout, error.message)
        case .canceled: APIError(.canceled, error.message)
        case .storage: APIError(.internal, error.message)
        default: APIError(.execution, error.message)
        }
    }

    /// A duration parameter: float seconds or Prometheus duration syntax, in milliseconds.
    static func duration(_ text: String, parameter: String) throws(APIError) -> Int64 {
        if let seconds = Double(text) {
            guard seconds.isFinite, abs(seconds) < 9e15 else {
                throw APIError(.badData, "invalid parameter \"\(parameter)\": cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
            return Int64((seconds * 1000).rounded())
        }
        do {
            return try PrometheusDuration.milliseconds(text)
        } catch {
            throw APIError(.badData, "invalid parameter \"\(parameter)\": cannot parse \"\(text)\" to a valid duration")
        }
    }
}
