import Hummingbird
import PivotModel
import PivotStorage

/// `/api/v1/series`, `/api/v1/labels`, `/api/v1/label/<name>/values`, `/api/v1/metadata`, answered
/// from the store in Prometheus's shapes, GET and POST form.
public struct SeriesRoutes: Sendable {
    public var backend: BackendSlot
    /// Parses one `match[]` selector into matchers (the PromQL parser's series-selector rule).
    public var parseSelector: @Sendable (String) throws -> [LabelMatcher]

    public init(backend: BackendSlot, parseSelector: @escaping @Sendable (String) throws -> [LabelMatcher]) {
        self.backend = backend
        self.parseSelector = parseSelector
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/api/v1/series", method: method) { request, _ in await routes.respond(request, routes.series) }
            router.on("/api/v1/labels", method: method) { request, _ in await routes.respond(request, routes.labels) }
            router.on("/api/v1/label/:name/values", method: method) { request, context in
                let name = context.parameters.get("name") ?? ""
                return await routes.respond(request) { parameters, backend throws(APIError) in
                    try routes.labelValues(name: name, parameters, backend)
                }
            }
        }
        router.get("/api/v1/metadata") { request, _ in await routes.respond(request, routes.metadata) }
        router.get("/api/v1/status/tsdb") { request, _ in await routes.respond(request, routes.tsdbStatus) }
        MethodNotAllowed.register(
            on: router, allowing: [.get, .post], paths: ["/api/v1/series", "/api/v1/labels", "/api/v1/label/:name/values"])
        MethodNotAllowed.register(on: router, allowing: [.get], paths: ["/api/v1/metadata", "/api/v1/status/tsdb"])
    }

    func respond(
        _ request: Request, _ body: (APIParameters, Backend) throws(APIError) -> Response
    ) async -> Response {
        guard let backend = backend.current else {
            return APIError(.unavailable, "storage is not ready yet").response
        }
        do {
            let parameters = try await APIParameters.from(request)
            return try body(parameters, backend)
        } catch let error as APIError {
            return error.response
        } catch {
            return APIError(.badData, "cannot read the request: \(error)").response
        }
    }

    func matcherSets(_ parameters: APIParameters) throws(APIError) -> [[LabelMatcher]] {
        var sets: [[LabelMatcher]] = []
        for selector in parameters.all("match[]") {
            do {
                sets.append(try parseSelector(selector))
            } catch {
                throw APIError(.badData, "invalid parameter \"match[]\": \(error)")
            }
        }
        return sets
    }

    func limit(_ parameters: APIParameters) throws(APIError) -> Int? {
        guard let text = parameters.first("limit"), !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIError(.badData, "limit must be a non-negative number")
        }
        return value == 0 ? nil : value
    }

    func timeRange(_ parameters: APIParameters) throws(APIError) -> (Int64, Int64) {
        let start = try APITime.parameter(parameters, "start", default: APITime.minTime)
        let end = try APITime.parameter(parameters, "end", default: APITime.maxTime)
        guard start <= end else { throw APIError(.badData, "end timestamp must not be before start time") }
        return (start, end)
    }

    /// Applies `limit` and adds Prometheus's warning when results were cut.
    func limited(_ items: [String], _ limit: Int?) -> (items: [String], warnings: [String]) {
        guard let limit, items.count > limit else { return (items, []) }
        return (Array(items.prefix(limit)), ["results truncated due to limit"])
    }

    func series(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> Response {
        let sets = try matcherSets(parameters)
        guard !sets.isEmpty else { throw APIError(.badData, "no match[] parameter provided") }
        let (start, end) = try timeRange(parameters)
        let limit = try limit(parameters)
        var all = Set<Labels>()
        do {
            let querier = try backend.queryable.querier(mint: start, maxt: end)
            for set in sets { all.formUnion(try querier.series(set)) }
        } catch {
            throw APIError(.execution, error.message)
        }
        var sorted = all.sorted()
        var warnings: [String] = []
        if let limit, sorted.count > limit {
            sorted = Array(sorted.prefix(limit))
            warnings = ["results truncated due to limit"]
        }
        let data = "[" + sorted.map(Self.labelsObject).joined(separator: ",") + "]"
        return apiSuccess(data: data, warnings: warnings)
    }

    func labels(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> Response {
        let sets = try matcherSets(parameters)
        let (start, end) = try timeRange(parameters)
        var names = Set<String>()
        do {
            let querier = try backend.queryable.querier(mint: start, maxt: end)
            if sets.isEmpty {
                names.formUnion(try querier.labelNames([]))
            } else {
                for set in sets { names.formUnion(try querier.labelNames(set)) }
            }
        } catch {
            throw APIError(.execution, error.message)
        }
        let (items, warnings) = limited(names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, try limit(parameters))
        return apiSuccess(data: jsonArray(items), warnings: warnings)
    }

    /// `rawName` is the path segment as sent: percent-escapes are decoded (as Prometheus's router
    /// does), then `U__` escaping; a name that is empty or not UTF-8 is `bad_data`.
    func labelValues(name rawName: String, _ parameters: APIParameters, _ backend: Backend) throws(APIError) -> Response {
        guard let decoded = String(validating: APIParameters.percentDecoded(Substring(rawName)), as: UTF8.self) else {
            throw APIError(.badData, "invalid label name: \"\(rawName)\" is not UTF-8")
        }
        let name = LabelNameEscaping.unescape(decoded)
        guard !name.isEmpty else { throw APIError(.badData, "invalid label name: \"\(rawName)\"") }
        let sets = try matcherSets(parameters)
        let (start, end) = try timeRange(parameters)
        var values = Set<String>()
        do {
            let querier = try backend.queryable.querier(mint: start, maxt: end)
            if sets.isEmpty {
                values.formUnion(try querier.labelValues(name, []))
            } else {
                for set in sets { values.formUnion(try querier.labelValues(name, set)) }
            }
        } catch {
            throw APIError(.execution, error.message)
        }
        let (items, warnings) = limited(values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, try limit(parameters))
        return apiSuccess(data: jsonArray(items), warnings: warnings)
    }

    func metadata(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> Response {
        let limit = try limit(parameters)
        var perMetric: Int?
        if let text = parameters.first("limit_per_metric"), !text.isEmpty {
            guard let value = Int(text) else { throw APIError(.badData, "limit_per_metric must be a number") }
            perMetric = value > 0 ? value : nil
        }
        let metric = parameters.first("metric").flatMap { $0.isEmpty ? nil : $0 }
        let all = backend.metadata.metadata(metric: metric, limit: limit, limitPerMetric: perMetric)
        let families = all.keys.sorted().map { name in
            let entries = all[name]!.map { entry in
                "{\"type\":\(JSONString.quote(entry.type.rawValue)),\"help\":\(JSONString.quote(entry.help)),\"unit\":\(JSONString.quote(entry.unit))}"
            }
            return JSONString.quote(name) + ":[" + entries.joined(separator: ",") + "]"
        }
        return apiSuccess(data: "{" + families.joined(separator: ",") + "}")
    }

    /// Prometheus's `/api/v1/status/tsdb` shape: `headStats` and the top-N cardinality lists.
    func tsdbStatus(_ parameters: APIParameters, _ backend: Backend) throws(APIError) -> Response {
        var limit = 10
        if let text = parameters.first("limit"), !text.isEmpty {
            guard let value = Int(text), value > 0 else { throw APIError(.badData, "limit must be a positive number") }
            limit = value
        }
        guard let provider = backend.stats else { throw APIError(.unavailable, "no statistics available") }
        let stats = provider.headStats(limit: limit)
        func list(_ entries: [HeadStats.Entry]) -> String {
            "[" + entries.map { "{\"name\":\(JSONString.quote($0.name)),\"value\":\($0.value)}" }.joined(separator: ",") + "]"
        }
        let head = "{\"numSeries\":\(stats.numSeries),\"numLabelPairs\":\(stats.numLabelPairs),\"chunkCount\":\(stats.chunkCount),"
            + "\"minTime\":\(stats.minTime ?? APITime.maxTime),\"maxTime\":\(stats.maxTime ?? APITime.minTime)}"
        let data = "{\"headStats\":\(head),\"seriesCountByMetricName\":\(list(stats.seriesCountByMetricName)),"
            + "\"labelValueCountByLabelName\":\(list(stats.labelValueCountByLabelName)),"
            + "\"memoryInBytesByLabelName\":\(list(stats.memoryInBytesByLabelName)),"
            + "\"seriesCountByLabelValuePair\":\(list(stats.seriesCountByLabelValuePair))}"
        return apiSuccess(data: data)
    }

    static func labelsObject(_ labels: Labels) -> String {
        "{" + labels.map { JSONString.quote($0.name) + ":" + JSONString.quote($0.value) }.joined(separator: ",") + "}"
    }
}
