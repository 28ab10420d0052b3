import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PivotIngest
import PivotModel
import PivotStorage
import Testing

@testable import PivotHTTP

/// The query endpoints answered on the connection (`QueryRoutes.registerInline`): only queries known
/// to be quick, with byte for byte the router's answer.
@Suite struct InlineQueryTests {
    struct Server {
        let routes: QueryRoutes
        let inline: InlineRoutes
        let router: Router<BasicRequestContext>

        init(store: MemoryStore, limits: QueryLimits = QueryLimits()) {
            let backend = BackendSlot(Backend(ingestor: Ingestor(store: store), queryable: store, exemplars: store, metadata: store))
            routes = QueryRoutes(backend: backend, limits: limits, now: { 10_000_000 })
            router = Router()
            routes.register(on: router)
            var inline = InlineRoutes(authenticator: nil)
            routes.registerInline(on: &inline)
            self.inline = inline
        }

        /// The router's answer: status and body.
        func viaRouter(_ method: HTTPRequest.Method, _ target: String, form: String? = nil) async throws -> (Int, String) {
            try await Application(router: router).test(.router) { client in
                let headers: HTTPFields = form == nil ? [:] : [.contentType: "application/x-www-form-urlencoded"]
                return try await client.execute(uri: target, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) {
                    ($0.status.code, String(buffer: $0.body))
                }
            }
        }

        /// The connection's answer, or nil when it leaves the request to the router.
        func inlineAnswer(_ method: HTTPRequest.Method, _ target: String, form: String? = nil) -> (Int, String)? {
            var head = HTTPRequest(method: method, scheme: nil, authority: nil, path: target)
            if form != nil { head.headerFields[.contentType] = "application/x-www-form-urlencoded" }
            guard let (_, route) = inline.route(for: head) else { return nil }
            return route(InlineRequest(head: head, body: form.map { ByteBuffer(string: $0) })).map { ($0.status.code, String(buffer: $0.body)) }
        }
    }

    static func store() async throws -> MemoryStore {
        let store = MemoryStore()
        var batch = WriteBatch()
        for job in ["a", "b"] {
            batch.append(
                labels: Labels(["__name__": "requests_total", "job": job]),
                samples: (0..<10).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0) * (job == "a" ? 1 : 2)) })
        }
        let appender = store.appender()
        _ = try appender.append(batch)
        try await appender.commit()
        return store
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/api/v1/query?query=sum(requests_total)&time=135", nil),
        (.get, "/api/v1/query_range?query=rate(requests_total[1m])&start=0&end=135&step=15", nil),
        (.post, "/api/v1/query", "query=requests_total%7Bjob%3D%22a%22%7D&time=135"),
        (.post, "/api/v1/query_range?step=30", "query=requests_total&start=0&end=135"),
        (.get, "/api/v1/query?query=label_replace(requests_total,%22job%22,%22x%22,%22%22,%22%22)&time=135", nil),
    ] as [(HTTPRequest.Method, String, String?)])
    func aQueryKnownToBeQuickIsAnsweredOnTheConnectionWithTheRoutersAnswer(
        method: HTTPRequest.Method, target: String, form: String?
    ) async throws {
        // Unknown at first, so left to the router; once the router ran it, the connection answers
        // it, errors (the last query's duplicate series) included, with the same status and bytes.
        let server = Server(store: try await Self.store())
        #expect(server.inlineAnswer(method, target, form: form) == nil)
        let routed = try await server.viaRouter(method, target, form: form)
        let inline = try #require(server.inlineAnswer(method, target, form: form))
        #expect(inline.0 == routed.0)
        #expect(inline.1 == routed.1)
        #expect(routed.1.contains("\"status\":\"success\"") || routed.0 == 422)
    }

    @Test func parameterErrorsAreLeftToTheRouterAndQueryErrorsAnsweredAsItDoes() async throws {
        // Bad times and steps are the router's to answer (400), every time. A query that does not
        // parse is the engine's error: once known as quick, the connection answers it, as the router did.
        let server = Server(store: try await Self.store())
        for target in [
            "/api/v1/query?query=up&time=yesterday", "/api/v1/query_range?query=up&start=0&end=10",
            "/api/v1/query_range?query=up&start=0&end=1000000&step=1", "/api/v1/query_range?query=up&start=5&end=1&step=1",
        ] {
            let routed = try await server.viaRouter(.get, target)
            #expect(routed.0 == 400, "\(target)")
            #expect(server.inlineAnswer(.get, target) == nil, "\(target)")
        }
        let unparsable = "/api/v1/query?query=sum(&time=135"
        let routed = try await server.viaRouter(.get, unparsable)
        #expect(routed.0 == 400)
        let inline = try #require(server.inlineAnswer(.get, unparsable))
        #expect(inline == routed)
    }

    @Test func aBusyInlineSlotOrAFullGateLeavesTheQueryToTheRouter() async throws {
        // One query at a time evaluates on a loop, and inline ones count against --query.max-concurrency.
        var limits = QueryLimits()
        limits.maxConcurrency = 1
        let server = Server(store: try await Self.store(), limits: limits)
        let target = "/api/v1/query?query=count(requests_total)&time=135"
        _ = try await server.viaRouter(.get, target)
        #expect(server.inlineAnswer(.get, target) != nil)

        let gate = server.routes.gate
        #expect(gate.claimInline())
        #expect(server.inlineAnswer(.get, target) == nil)
        gate.releaseInline()

        #expect(gate.tryEnter())
        #expect(server.inlineAnswer(.get, target) == nil)
        gate.leave()
        #expect(server.inlineAnswer(.get, target) != nil)
    }

    @Test func aQueryWhoseLastRunWasSlowIsLeftToTheRouter() async throws {
        // Only a run of at most `QueryCostMemory.quickLimit` lets the next one run on a loop.
        let server = Server(store: try await Self.store())
        let target = "/api/v1/query?query=sum(requests_total)&time=135"
        server.routes.costs.record(.init(query: "sum(requests_total)", range: 0, step: 0), took: .seconds(1))
        #expect(server.inlineAnswer(.get, target) == nil)
        server.routes.costs.record(.init(query: "sum(requests_total)", range: 0, step: 0), took: .microseconds(100))
        #expect(server.inlineAnswer(.get, target) != nil)
    }

    @Test func beforeStorageIsReadyTheRouterAnswers() {
        // The router's 503 covers it; the connection does not answer at all.
        let routes = QueryRoutes(backend: BackendSlot())
        var inline = InlineRoutes(authenticator: nil)
        routes.registerInline(on: &inline)
        let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/v1/query?query=1")
        #expect(inline.route(for: head).flatMap { $0.route(InlineRequest(head: head)) } == nil)
    }
}
