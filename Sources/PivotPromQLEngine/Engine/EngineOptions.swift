import PivotPromQL

/// Settings of the PromQL engine. Every default matches a Prometheus 3 server's.
public struct EngineOptions: Sendable {
    /// The most samples a query may hold in memory at once (`--query.max-samples`). Default 50,000,000.
    public var maxSamples: Int
    /// How long a query may run before it fails with `timeout` (`--query.timeout`). Default 2 minutes.
    public var timeout: Duration
    /// How far back an instant selector looks for the latest sample, in milliseconds
    /// (`--query.lookback-delta`); the window is `(t - lookbackDelta, t]`. Default 300,000 (5m).
    public var lookbackDelta: Int64
    /// The most points a range query may produce per series. Default 11,000.
    public var maxPointsPerSeries: Int
    /// The step of a subquery written without one (`[1h:]`), in milliseconds. Default 60,000 (1m).
    public var defaultSubqueryStep: Int64
    /// Keeps `__name__` until the end of evaluation and removes it only from series whose last
    /// operation changed their meaning (`--enable-feature=promql-delayed-name-removal`). Default false.
    public var delayedNameRemoval: Bool
    /// How query text is parsed. Default: no experimental features.
    public var parserOptions: ParserOptions

    public init(
        maxSamples: Int = 50_000_000, timeout: Duration = .seconds(120), lookbackDelta: Int64 = 300_000,
        maxPointsPerSeries: Int = 11_000, defaultSubqueryStep: Int64 = 60_000, delayedNameRemoval: Bool = false,
        parserOptions: ParserOptions = ParserOptions()
    ) {
        self.maxSamples = maxSamples
        self.timeout = timeout
        self.lookbackDelta = lookbackDelta
        self.maxPointsPerSeries = maxPointsPerSeries
        self.defaultSubqueryStep = defaultSubqueryStep
        self.delayedNameRemoval = delayedNameRemoval
        self.parserOptions = parserOptions
    }
}
