/// Limits of the Tempo and Jaeger trace searches. Each is a flag of `pivot serve`.
public struct TraceSearchLimits: Sendable, Hashable {
    /// Most traces one search returns (`--traces.max-search-limit`). Default 1,000. A larger `limit`
    /// parameter is lowered to it (Grafana keeps working; the answer is at most this long).
    public var maxSearchLimit: Int = 1_000
    /// Longest a search inspects candidate traces, in milliseconds (`--traces.search-timeout`).
    /// Default 30 s. Past it the search answers with the traces found so far, like a search that
    /// reached the inspected-traces cap.
    public var searchTimeoutMilliseconds: Int64 = 30_000

    public init() {}

    /// `requested` (the `limit` parameter, or the default 20 when absent) lowered to `maxSearchLimit`.
    func clampedLimit(_ requested: Int?) -> Int {
        min(requested ?? 20, max(1, maxSearchLimit))
    }

    /// The instant a search starting now must stop inspecting candidates.
    func deadline() -> ContinuousClock.Instant {
        ContinuousClock.now.advanced(by: .milliseconds(searchTimeoutMilliseconds))
    }
}
