import HTTPTypes
import Hummingbird
import PivotModel
import PivotStorage
import PivotTraceQuery

/// Grafana's Jaeger data source (and Jaeger UI clients) against Pivot's trace store, under `/jaeger`
/// (CONTRACTS.md §2.2): `api/services`, `api/services/<service>/operations`, `api/operations`,
/// `api/traces/<id>`, `api/traces?service=&operation=&tags=&minDuration=&maxDuration=&start=&end=&limit=`
/// and `api/dependencies`, in Jaeger's JSON envelope (`data`, `total`, `limit`, `offset`, `errors`);
/// an unknown trace is 404 with Jaeger's error envelope. Times are Unix microseconds, durations Go
/// durations (`1.2s`, `100ms`). A search's `limit` is lowered to `limits.maxSearchLimit` and its run
/// time bounded by `limits`.
public struct JaegerRoutes: Sendable {
    public var backend: BackendSlot
    public var limits: TraceSearchLimits

    public init(backend: BackendSlot, limits: TraceSearchLimits = TraceSearchLimits()) {
        self.backend = backend
        self.limits = limits
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let routes = self
        router.get("/jaeger/api/services") { _, _ in routes.services() }
        router.get("/jaeger/api/services/:service/operations") { _, context in
            routes.operations(service: APIParameters.decode(Substring(context.parameters.get("service") ?? "")), withKind: false)
        }
        router.get("/jaeger/api/operations") { request, _ in
            let parameters = APIParameters(pairs: APIParameters.parse(request.uri.query ?? ""))
            return routes.operations(service: parameters.first("service") ?? "", withKind: true, spanKind: parameters.first("spanKind"))
        }
        router.get("/jaeger/api/traces/:id") { _, context in routes.trace(id: context.parameters.get("id") ?? "") }
        router.get("/jaeger/api/traces") { request, _ in routes.search(request) }
        router.get("/jaeger/api/dependencies") { _, _ in jsonResponse(JaegerEnvelope.traces([])) }
        MethodNotAllowed.register(on: router, allowing: [.get], paths: [
            "/jaeger/api/services", "/jaeger/api/services/:service/operations", "/jaeger/api/operations", "/jaeger/api/traces/:id",
            "/jaeger/api/traces", "/jaeger/api/dependencies",
        ])
    }

    static func failure(_ status: HTTPResponse.Status, _ message: String) -> Response {
        jsonResponse(JaegerEnvelope.error(code: Int(status.code), message: message), status: status)
    }

    func store() -> (any TraceQueryable)? { backend.current?.traces }

    func services() -> Response {
        guard let traces = store() else { return Self.failure(.serviceUnavailable, "trace storage is not ready yet") }
        do {
            return jsonResponse(JaegerEnvelope.services(try traces.traceServices()))
        } catch {
            return Self.failure(.internalServerError, error.message)
        }
    }

    func operations(service: String, withKind: Bool, spanKind: String? = nil) -> Response {
        guard let traces = store() else { return Self.failure(.serviceUnavailable, "trace storage is not ready yet") }
        do {
            var operations = try traces.traceOperations(service: service)
            if let spanKind, !spanKind.isEmpty {
                operations = operations.filter { JaegerEnvelope.spanKindName($0.kind) == spanKind }
            }
            if withKind { return jsonResponse(JaegerEnvelope.operationsWithKind(operations)) }
            return jsonResponse(JaegerEnvelope.operations(Array(Set(operations.map(\.name))).sorted()))
        } catch {
            return Self.failure(.internalServerError, error.message)
        }
    }

    func trace(id text: String) -> Response {
        guard let traces = store() else { return Self.failure(.serviceUnavailable, "trace storage is not ready yet") }
        let id: [UInt8]
        do {
            id = try TraceID.parse(APIParameters.decode(Substring(text)))
        } catch {
            return Self.failure(.badRequest, error.description)
        }
        do {
            guard let stored = try traces.trace(id: id, startUnixNano: nil, endUnixNano: nil) else {
                return jsonResponse(JaegerEnvelope.notFound(), status: .notFound)
            }
            let object = try JaegerConversion.trace(
                traceID: id, resources: stored.resources, scopes: stored.scopes, spans: stored.spans)
            return jsonResponse(JaegerEnvelope.traces([object]))
        } catch let error as QueryError {
            return Self.failure(.internalServerError, error.message)
        } catch {
            return Self.failure(.internalServerError, "encoding the trace failed: \(error)")
        }
    }

    func search(_ request: Request) -> Response {
        guard let traces = store() else { return Self.failure(.serviceUnavailable, "trace storage is not ready yet") }
        let parameters = APIParameters(pairs: APIParameters.parse(request.uri.query ?? ""))
        var query = TraceSearchQuery()
        if let service = parameters.first("service"), !service.isEmpty { query.serviceName = service }
        if let operation = parameters.first("operation"), !operation.isEmpty { query.spanName = operation }
        do {
            if let tags = parameters.first("tags"), !tags.isEmpty, tags != "{}" {
                query.spanFilter = try TraceQLQuery.fromJaegerTags(tags).spanFilter
            }
        } catch {
            return Self.failure(.badRequest, error.description)
        }
        do {
            query.minDurationNanos = try TraceTimes.goDuration(parameters.first("minDuration"), name: "minDuration")
            query.maxDurationNanos = try TraceTimes.goDuration(parameters.first("maxDuration"), name: "maxDuration")
            query.startUnixNano = try TraceTimes.unixMicroseconds(parameters.first("start"), name: "start")
            query.endUnixNano = try TraceTimes.unixMicroseconds(parameters.first("end"), name: "end")
            query.limit = limits.clampedLimit(try TraceTimes.positiveInt(parameters.first("limit"), name: "limit"))
        } catch {
            return Self.failure(.badRequest, error.message)
        }
        query.deadline = limits.deadline()
        do {
            var objects: [String] = []
            for summary in try traces.searchTraces(query) {
                guard let stored = try traces.trace(id: summary.traceID, startUnixNano: nil, endUnixNano: nil) else { continue }
                objects.append(try JaegerConversion.trace(
                    traceID: summary.traceID, resources: stored.resources, scopes: stored.scopes, spans: stored.spans))
            }
            return jsonResponse(JaegerEnvelope.traces(objects))
        } catch let error as QueryError {
            return Self.failure(.internalServerError, error.message)
        } catch {
            return Self.failure(.internalServerError, "encoding traces failed: \(error)")
        }
    }
}
