import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Counts requests by handler (the matched route pattern) and status code, and records their duration:
/// `pivot_http_requests_total{handler,code}` and `pivot_http_request_duration_seconds{handler}` (time until
/// the response head is ready; streamed bodies are not included).
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = HandlerMetricsCache()

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            cache.record(
                handler: context.endpointPath ?? "other", code: response.status.code,
                nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            cache.record(
                handler: context.endpointPath ?? "other", code: status,
                nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            throw error
        }
    }
}

final class HandlerMetricsCache: Sendable {
    private struct Key: Hashable {
        var handler: String
        var code: Int
    }

    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[String: Timer]>([:])

    func record(handler: String, code: Int, nanoseconds: UInt64) {
        let key = Key(handler: handler, code: code)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "pivot_http_requests_total", dimensions: [("handler", handler), ("code", String(code))])
            counters[key] = counter
            return counter
        }
        counter.increment()
        let timer = timers.withLock { timers in
            if let timer = timers[handler] { return timer }
            let timer = Timer(
                label: "pivot_http_request_duration_seconds", dimensions: [("handler", handler)],
                preferredDisplayUnit: .seconds)
            timers[handler] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(clamping: nanoseconds))
    }
}
