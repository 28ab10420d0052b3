/// Limits of the query API. Each is a flag of `pivot serve`.
public struct QueryLimits: Sendable, Hashable {
    /// Longest a query may run, in milliseconds (`--query.timeout`). Default 2 m. A request's
    /// `timeout` parameter can only shorten it.
    public var timeoutMilliseconds: Int64 = 120_000
    /// Most samples one query may hold in memory (`--query.max-samples`). Default 50,000,000.
    public var maxSamples: Int = 50_000_000
    /// Queries evaluated at once; more wait (`--query.max-concurrency`). Default 20.
    public var maxConcurrency: Int = 20
    /// How far back a selector looks for the latest sample, in milliseconds (`--query.lookback-delta`).
    /// Default 5 m.
    public var lookbackDeltaMilliseconds: Int64 = 300_000

    public init() {}
}
