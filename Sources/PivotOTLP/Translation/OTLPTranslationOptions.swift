/// How OTLP metrics become Prometheus series. Each setting is a `pivot serve` flag; the defaults are
/// Prometheus 3's (`otlp:` configuration block), except delta conversion, which Pivot turns on.
public struct OTLPTranslationOptions: Sendable {
    /// Whether scope name, version, schema URL and attributes become `otel_scope_*` labels.
    public enum ScopeLabels: Sendable, Hashable { case off, on }

    /// What happens to delta-temporality sums and histograms.
    public enum DeltaConversion: Sendable, Hashable {
        /// Accumulated per series into cumulative values (`DeltaToCumulative`). The default.
        case toCumulative
        /// Rejected through `partial_success`, as Prometheus does without its delta feature flags.
        case reject
    }

    /// Metric and label name translation. Default `UnderscoreEscapingWithSuffixes`
    /// (`--otlp.translation-strategy`).
    public var strategy: OTLPTranslationStrategy
    /// Resource attributes copied onto every series of their resource, as labels
    /// (`--otlp.promote-resource-attributes`, comma separated). Default none. A data point attribute
    /// of the same label name wins.
    public var promoteResourceAttributes: [String]
    /// `otel_scope_name`, `otel_scope_version`, … labels (`--otlp.scope-labels`). Default off, as Prometheus.
    public var scopeLabels: ScopeLabels
    /// Delta handling (`--otlp.delta-conversion`). Default `.toCumulative`.
    public var deltaConversion: DeltaConversion
    /// Spacing of `target_info` samples is half of this, in milliseconds (the query lookback delta, so
    /// `target_info` stays visible between exports). Default 5 minutes.
    public var lookbackDeltaMilliseconds: Int64
    /// Limits of the delta-to-cumulative state.
    public var deltaLimits: DeltaToCumulative.Limits
    /// Point streams whose store series references are kept (`SeriesRefCache`,
    /// `--otlp.stream-cache-size`). Default 500,000 (about 250 bytes each); 0 turns the cache off.
    public var streamCacheSize: Int

    public init(
        strategy: OTLPTranslationStrategy = .underscoreEscapingWithSuffixes, promoteResourceAttributes: [String] = [],
        scopeLabels: ScopeLabels = .off, deltaConversion: DeltaConversion = .toCumulative,
        lookbackDeltaMilliseconds: Int64 = 300_000, deltaLimits: DeltaToCumulative.Limits = .init(),
        streamCacheSize: Int = 500_000
    ) {
        self.streamCacheSize = streamCacheSize
        self.strategy = strategy
        self.promoteResourceAttributes = promoteResourceAttributes
        self.scopeLabels = scopeLabels
        self.deltaConversion = deltaConversion
        self.lookbackDeltaMilliseconds = lookbackDeltaMilliseconds
        self.deltaLimits = deltaLimits
    }
}
