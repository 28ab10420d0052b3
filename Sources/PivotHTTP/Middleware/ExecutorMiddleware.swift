import Hummingbird

/// Where a request runs. The server runs each connection's task on the connection's event loop, so
/// a request that stays there costs no thread hand-off in or out (about a third of a small request's
/// CPU went to those wake-ups). That suits short handlers only: anything that might run long would
/// hold up every connection on that loop. So every route runs on the global concurrent executor,
/// as before, except the ones named here: health checks, metric ingest (remote-write and OTLP,
/// whose waits suspend) and the two query endpoints, which decide per query (`QueryCostMemory`).
public struct ExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Paths whose handlers stay on the connection's event loop.
    public static var eventLoopPaths: Set<String> {
        [
            "/-/healthy", "/-/ready", "/api/v1/write", "/v1/metrics", "/api/v1/otlp/v1/metrics",
            "/api/v1/query", "/api/v1/query_range",
        ]
    }

    let eventLoopPaths: Set<String>

    public init(eventLoopPaths: Set<String> = Self.eventLoopPaths) {
        self.eventLoopPaths = eventLoopPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if eventLoopPaths.contains(request.uri.path) { return try await next(request, context) }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) { try await next(request, context) }
    }
}
