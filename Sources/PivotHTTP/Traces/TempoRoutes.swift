import HTTPTypes
import Hummingbird
import PivotModel
import PivotStorage
import PivotTraceQuery

/// Grafana's Tempo data source against Pivot's trace store (CONTRACTS.md §2.1), on the web listener:
///
/// - `GET /api/v2/traces/<id>`: with `Accept: application/protobuf`, Tempo's `TraceByIDResponse`
///   (the `trace` field always present); JSON `{"trace":{…}}` otherwise. 404 when unknown, so Grafana
///   falls back to `/api/traces/<id>` as it does against an older Tempo, which answers 404 too.
/// - `GET /api/traces/<id>`: OTLP `TracesData` (Tempo's `Trace`), protobuf or JSON.
/// - `GET /api/search` (`q` TraceQL subset or `tags` logfmt, `minDuration`, `maxDuration`, `limit`,
///   `start`, `end`, `spss`), the v1 and v2 tag-name and tag-value endpoints, `GET /api/echo` and
///   `GET /api/status/buildinfo`.
///
/// Trace ids are 1–32 hex digits in any case, left-padded to 16 bytes (`TraceID.parse`); anything
/// else is 400. Times are Unix seconds. Unsupported TraceQL is 400 with the reason. A search's
/// `limit` is lowered to `limits.maxSearchLimit` and its run time bounded by `limits`.
public struct TempoRoutes: Sendable {
    public var backend: BackendSlot
    public var buildInfo: BuildInfo
    public var limits: TraceSearchLimits

    public init(backend: BackendSlot, buildInfo: BuildInfo, limits: TraceSearchLimits = TraceSearchLimits()) {
        self.backend = backend
        self.buildInfo = buildInfo
        self.limits = limits
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        router.get("/api/echo") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "echo")))
        }
        router.get("/api/status/buildinfo") { _, _ in routes.tempoBuildInfo() }
        router.get("/api/v2/traces/:id") { request, context in
            await routes.traceByID(request, id: context.parameters.get("id") ?? "", version: .v2)
        }
        router.get("/api/traces/:id") { request, context in
            await routes.traceByID(request, id: context.parameters.get("id") ?? "", version: .v1)
        }
        router.get("/api/search") { request, _ in await routes.search(request) }
        router.get("/api/search/tags") { request, _ in await routes.tagNames(request, version: .v1) }
        router.get("/api/v2/search/tags") { request, _ in await routes.tagNames(request, version: .v2) }
        router.get("/api/search/tag/:tag/values") { request, context in
            await routes.tagValues(request, tag: context.parameters.get("tag") ?? "", version: .v1)
        }
        router.get("/api/v2/search/tag/:tag/values") { request, context in
            await routes.tagValues(request, tag: context.parameters.get("tag") ?? "", version: .v2)
        }
        MethodNotAllowed.register(on: router, allowing: [.get], paths: [
            "/api/echo", "/api/status/buildinfo", "/api/v2/traces/:id", "/api/traces/:id", "/api/search", "/api/search/tags",
            "/api/v2/search/tags", "/api/search/tag/:tag/values", "/api/v2/search/tag/:tag/values",
        ])
    }

    enum Version { case v1, v2 }

    func tempoBuildInfo() -> Response {
        jsonResponse(
            "{\"version\":\(JSONString.quote(buildInfo.version)),\"revision\":\(JSONString.quote(buildInfo.revision)),"
                + "\"branch\":\(JSONString.quote(buildInfo.branch)),\"buildDate\":\(JSONString.quote(buildInfo.buildDate)),"
                + "\"buildUser\":\(JSONString.quote(buildInfo.buildUser)),\"goVersion\":\(JSONString.quote(buildInfo.swiftVersion))}")
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// The answer while storage is starting (no trace store yet).
    static var notReady: Response { text(.serviceUnavailable, "trace storage is not ready yet") }

    // MARK: Trace by id

    func traceByID(_ request: Request, id text: String, version: Version) async -> Response {
        guard let traces = backend.current?.traces else { return Self.notReady }
        let id: [UInt8]
        do {
            id = try TraceID.parse(text)
        } catch {
            return Self.text(.badRequest, error.description)
        }
        let parameters = APIParameters(pairs: APIParameters.parse(request.uri.query ?? ""))
        let start: UInt64?
        let end: UInt64?
        do {
            start = try TraceTimes.unixSeconds(parameters.first("start"), name: "start")
            end = try TraceTimes.unixSeconds(parameters.first("end"), name: "end")
        } catch {
            return Self.text(.badRequest, error.message)
        }
        let protobuf = request.headers[.accept]?.contains("application/protobuf") == true
        let stored: StoredTrace?
        do {
            stored = try traces.trace(id: id, startUnixNano: start, endUnixNano: end)
        } catch {
            return Self.text(.internalServerError, "reading the trace failed: \(error.message)")
        }
        let tracesData = stored.map {
            TracesDataEncoding.tracesData(resources: $0.resources, scopes: $0.scopes, spans: $0.spans)
        } ?? []
        let status: HTTPResponse.Status = stored == nil ? .notFound : .ok
        if protobuf {
            let body = version == .v2 ? TracesDataEncoding.traceByIDResponse(tracesData: tracesData) : tracesData
            return Response(
                status: status, headers: [.contentType: "application/protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        do {
            let json = version == .v2
                ? try TracesDataEncoding.traceByIDResponseJSON(tracesData: tracesData)
                : try TracesDataEncoding.tracesDataJSON(tracesData)
            return jsonResponse(json, status: status)
        } catch {
            return Self.text(.internalServerError, "encoding the trace failed: \(error)")
        }
    }

    // MARK: Search

    func search(_ request: Request) async -> Response {
        guard let traces = backend.current?.traces else { return Self.notReady }
        let parameters = APIParameters(pairs: APIParameters.parse(request.uri.query ?? ""))
        var query = TraceSearchQuery()
        var attributeKeys: [String] = []
        do {
            let filter: TraceQLQuery?
            if let q = parameters.first("q"), !q.isEmpty {
                filter = try TraceQLQuery.parse(q)
            } else if let tags = parameters.first("tags"), !tags.isEmpty {
                filter = try TraceQLQuery.fromTempoTags(tags)
            } else {
                filter = nil
            }
            if let filter {
                query.spanFilter = filter.spanFilter
                query.serviceName = filter.hints.serviceName
                query.spanName = filter.hints.spanName
                attributeKeys = filter.attributeKeys
            }
        } catch {
            return Self.text(.badRequest, error.description)
        }
        do {
            query.minDurationNanos = try TraceTimes.goDuration(parameters.first("minDuration"), name: "minDuration")
            query.maxDurationNanos = try TraceTimes.goDuration(parameters.first("maxDuration"), name: "maxDuration")
            query.startUnixNano = try TraceTimes.unixSeconds(parameters.first("start"), name: "start")
            query.endUnixNano = try TraceTimes.unixSeconds(parameters.first("end"), name: "end")
            query.limit = limits.clampedLimit(try TraceTimes.positiveInt(parameters.first("limit"), name: "limit"))
            query.spansPerTrace = try TraceTimes.positiveInt(parameters.first("spss"), name: "spss") ?? 3
        } catch {
            return Self.text(.badRequest, error.message)
        }
        query.deadline = limits.deadline()
        let found: [TraceSummary]
        do {
            found = try traces.searchTraces(query)
        } catch {
            return Self.text(.internalServerError, "searching traces failed: \(error.message)")
        }
        // The matched spans' service names come from their resources; the store reports them in order.
        let results = found.map { summary in
            TempoSearchResponse.Trace(
                traceID: summary.traceID, rootServiceName: summary.rootServiceName, rootTraceName: summary.rootSpanName,
                startTimeUnixNano: summary.startTimeUnixNano, durationNanos: summary.durationNanos,
                spans: summary.matchedSpans.enumerated().map { index, span in
                    TempoSearchResponse.MatchedSpan(
                        span: span,
                        serviceName: index < summary.matchedSpanServices.count ? summary.matchedSpanServices[index] : "")
                },
                matched: summary.matched)
        }
        return jsonResponse(TempoSearchResponse.json(
            traces: results, metrics: TempoSearchResponse.Metrics(inspectedTraces: found.count), attributeKeys: attributeKeys))
    }

    // MARK: Tags

    func tagNames(_ request: Request, version: Version) async -> Response {
        guard let traces = backend.current?.traces else { return Self.notReady }
        let parameters = APIParameters(pairs: APIParameters.parse(request.uri.query ?? ""))
        do {
            let start = try TraceTimes.unixSeconds(parameters.first("start"), name: "start")
            let end = try TraceTimes.unixSeconds(parameters.first("end"), name: "end")
            let limit = try TraceTimes.positiveInt(parameters.first("limit"), name: "limit") ?? 5_000
            let wanted = parameters.first("scope").flatMap { $0.isEmpty || $0 == "all" ? nil : $0 }
            var scopes: [(name: String, tags: [String])] = []
            for scope in TraceAttributeScope.allCases where wanted == nil || wanted == scope.rawValue {
                scopes.append((scope.rawValue, try traces.traceTagNames(scope: scope, startUnixNano: start, endUnixNano: end, limit: limit)))
            }
            if wanted == nil || wanted == "intrinsic" { scopes.append(("intrinsic", TempoTagResponse.intrinsicTags)) }
            switch version {
            case .v1:
                let names = Set(scopes.filter { $0.name != "intrinsic" }.flatMap(\.tags)).sorted()
                return jsonResponse(TempoTagResponse.tagNamesV1(names))
            case .v2:
                return jsonResponse(TempoTagResponse.tagNamesV2(scopes))
            }
        } catch let error as TraceTimes.ParameterError {
            return Self.text(.badRequest, error.message)
        } catch {
            return Self.text(.internalServerError, "reading tag names failed: \(error)")
        }
    }

    func tagValues(_ request: Request, tag raw: String, version: Version) async -> Response {
        guard let traces = backend.current?.traces else { return Self.notReady }
        let parameters = APIParameters(pairs: APIParameters.parse(request.uri.query ?? ""))
        let tag = APIParameters.decode(Substring(raw))
        // v2 names are TraceQL identifiers: `.key`, `resource.key`, `span.key`, or an intrinsic.
        var scope: TraceAttributeScope?
        var key = tag
        if key.hasPrefix("resource.") {
            scope = .resource
            key.removeFirst("resource.".count)
        } else if key.hasPrefix("span.") {
            scope = .span
            key.removeFirst("span.".count)
        } else if key.hasPrefix(".") {
            key.removeFirst()
        }
        do {
            let start = try TraceTimes.unixSeconds(parameters.first("start"), name: "start")
            let end = try TraceTimes.unixSeconds(parameters.first("end"), name: "end")
            let limit = try TraceTimes.positiveInt(parameters.first("limit"), name: "limit") ?? 5_000
            let values = try traces.traceTagValues(key, scope: scope, startUnixNano: start, endUnixNano: end, limit: limit)
            switch version {
            case .v1: return jsonResponse(TempoTagResponse.tagValuesV1(values))
            case .v2:
                let kind: TempoTagResponse.ValueKind = ["status", "kind"].contains(key) && scope == nil ? .keyword : .typed
                return jsonResponse(TempoTagResponse.tagValuesV2(values, kind: kind))
            }
        } catch let error as TraceTimes.ParameterError {
            return Self.text(.badRequest, error.message)
        } catch {
            return Self.text(.internalServerError, "reading tag values failed: \(error)")
        }
    }
}
