import ArgumentParser
import PivotHTTP
import PivotIngest
import PivotMetricStore
import PivotModel
import PivotOTLP
import PivotRemoteWrite

/// `pivot serve`: runs the server. Also the default when no subcommand is given.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Pivot: ingest remote-write and OTLP, answer the Prometheus, Tempo and Jaeger APIs.",
        discussion: """
            Every flag can also be set in the environment as PIVOT_ followed by the flag name in upper case \
            with '.' and '-' replaced by '_' (for example PIVOT_STORAGE_PATH). A flag on the command line wins.
            """)

    /// Every flag name, for environment overrides.
    static let flagNames = [
        "web.listen-address", "otlp.http-listen-address", "otlp.grpc-listen-address",
        "storage.path", "storage.retention", "storage.traces.retention", "storage.max-active-series", "storage.wal-fsync", "storage.out-of-order-time-window",
        "remote-write.max-compressed-body-bytes", "remote-write.max-decompressed-body-bytes",
        "remote-write.max-series-per-request", "remote-write.max-labels-per-series",
        "remote-write.max-label-name-length", "remote-write.max-label-value-length",
        "remote-write.max-exemplar-label-set-length",
        "otlp.translation-strategy", "otlp.promote-resource-attributes", "otlp.scope-labels",
        "otlp.delta-conversion", "otlp.stream-cache-size", "otlp.max-body-bytes", "ingest.max-inflight-bytes", "storage.max-memory",
        "query.timeout", "query.max-samples", "query.max-concurrency", "query.lookback-delta",
        "traces.max-search-limit", "traces.search-timeout",
        "log.level", "log.format", "web.config.file", "web.auth-cache-size",
    ]

    @Option(name: .customLong("web.listen-address"),
            help: "Address for the Prometheus API, remote-write, trace APIs and /metrics.")
    var webListenAddress = "0.0.0.0:9090"

    @Option(name: .customLong("otlp.http-listen-address"),
            help: "Address for OTLP/HTTP (/v1/metrics, /v1/traces). Empty disables it.")
    var otlpHTTPListenAddress = "0.0.0.0:4318"

    @Option(name: .customLong("otlp.grpc-listen-address"),
            help: "Address for OTLP/gRPC. Empty disables it.")
    var otlpGRPCListenAddress = "0.0.0.0:4317"

    @Option(name: .customLong("storage.path"), help: "Directory of the stored data.")
    var storagePath = "./data"

    @Option(name: .customLong("storage.retention"),
            help: "How long samples, exemplars and spans are kept (Prometheus duration: 15d, 12h, 1w).")
    var storageRetention = "15d"

    @Option(name: .customLong("storage.traces.retention"),
            help: "How long traces are kept, if different from --storage.retention (Prometheus duration).")
    var storageTracesRetention = ""

    @Option(name: .customLong("storage.wal-fsync"),
            help: "When the write-ahead log is fsynced: 'always' (before every acknowledgement, survives power loss), a duration such as 1s (in the background; an acknowledged write survives a crash of the process), or 'never'.")
    var storageWALFsync = "1s"

    @Option(name: .customLong("storage.out-of-order-time-window"),
            help: "How far behind a series' newest sample a sample may arrive and still be stored (0 refuses older samples, as Prometheus does).")
    var storageOutOfOrderTimeWindow = "0s"

    @Option(name: .customLong("storage.max-active-series"),
            help: "Most series the store holds in memory; a write that would create more is refused with 400 naming the limit.")
    var storageMaxActiveSeries = 10_000_000

    @Option(name: .customLong("remote-write.max-compressed-body-bytes"), help: "Largest snappy-compressed remote-write body (413 past it).")
    var remoteWriteMaxCompressedBodyBytes = RemoteWriteLimits.default.maxCompressedBodyBytes

    @Option(name: .customLong("remote-write.max-decompressed-body-bytes"), help: "Largest decompressed remote-write body (413 past it).")
    var remoteWriteMaxDecompressedBodyBytes = RemoteWriteLimits.default.maxDecompressedBodyBytes

    @Option(name: .customLong("remote-write.max-series-per-request"), help: "Most series in one remote-write request.")
    var remoteWriteMaxSeriesPerRequest = RemoteWriteLimits.default.maxSeriesPerRequest

    @Option(name: .customLong("remote-write.max-labels-per-series"), help: "Most labels of one series.")
    var remoteWriteMaxLabelsPerSeries = RemoteWriteLimits.default.maxLabelsPerSeries

    @Option(name: .customLong("remote-write.max-label-name-length"), help: "Longest label name, in bytes.")
    var remoteWriteMaxLabelNameLength = RemoteWriteLimits.default.maxLabelNameLength

    @Option(name: .customLong("remote-write.max-label-value-length"), help: "Longest label value, in bytes.")
    var remoteWriteMaxLabelValueLength = RemoteWriteLimits.default.maxLabelValueLength

    @Option(name: .customLong("remote-write.max-exemplar-label-set-length"),
            help: "Longest exemplar label set (names and values, in characters); longer exemplars are dropped and counted.")
    var remoteWriteMaxExemplarLabelSetLength = RemoteWriteLimits.default.maxExemplarLabelSetLength

    @Option(name: .customLong("otlp.translation-strategy"),
            help: "How OTLP metric and attribute names become Prometheus names: UnderscoreEscapingWithSuffixes, UnderscoreEscapingWithoutSuffixes, NoUTF8EscapingWithSuffixes or NoTranslation.")
    var otlpTranslationStrategy = OTLPTranslationStrategy.underscoreEscapingWithSuffixes.rawValue

    @Option(name: .customLong("otlp.promote-resource-attributes"),
            help: "Resource attributes (comma separated) copied as labels onto every OTLP series of their resource.")
    var otlpPromoteResourceAttributes = ""

    @Option(name: .customLong("otlp.scope-labels"),
            help: "Add otel_scope_name, otel_scope_version, otel_scope_schema_url and otel_scope_<attribute> labels: true or false.")
    var otlpScopeLabels = false

    @Option(name: .customLong("otlp.delta-conversion"),
            help: "Convert delta-temporality sums and histograms to cumulative (true), or reject them through partial_success (false).")
    var otlpDeltaConversion = true

    @Option(name: .customLong("otlp.stream-cache-size"),
            help: "OTLP point streams (resource, metric, attributes) whose store series are remembered across requests, so their later points skip label translation and lookup; 0 turns it off.")
    var otlpStreamCacheSize = OTLPTranslationOptions().streamCacheSize

    @Option(name: .customLong("otlp.max-body-bytes"),
            help: "Largest OTLP request body or gRPC message, compressed or decompressed (413 / RESOURCE_EXHAUSTED past it).")
    var otlpMaxBodyBytes = 32 << 20

    @Option(name: .customLong("ingest.max-inflight-bytes"),
            help: "Request bytes (received and decompressed) being ingested at once over every protocol; past it writes are refused with 503 (remote-write), 429 (OTLP/HTTP) or RESOURCE_EXHAUSTED (OTLP/gRPC) and retried by the sender.")
    var ingestMaxInflightBytes = IngestAdmissionLimits.default.maxInFlightBytes

    @Option(name: .customLong("storage.max-memory"),
            help: "Resident memory bound: above 70% of it writes are refused (retryably) and memory is relieved until it falls under 60%. A size (2GB, 512MiB, bytes), a percentage of the machine's or cgroup's memory, or 0 for no bound.")
    var storageMaxMemory = "80%"

    @Option(name: .customLong("query.timeout"), help: "Longest a query may run.")
    var queryTimeout = "2m"

    @Option(name: .customLong("query.max-samples"), help: "Most samples one query may load into memory.")
    var queryMaxSamples = 50_000_000

    @Option(name: .customLong("query.max-concurrency"), help: "Queries evaluated at once; more wait.")
    var queryMaxConcurrency = 20

    @Option(name: .customLong("query.lookback-delta"), help: "How far back a selector looks for a series' latest sample.")
    var queryLookbackDelta = "5m"

    @Option(name: .customLong("traces.max-search-limit"),
            help: "Most traces one Tempo or Jaeger search returns; a larger limit parameter is lowered to it.")
    var tracesMaxSearchLimit = TraceSearchLimits().maxSearchLimit

    @Option(name: .customLong("traces.search-timeout"),
            help: "Longest a Tempo or Jaeger search inspects traces; past it the search answers with what it found.")
    var tracesSearchTimeout = "30s"

    @Option(name: .customLong("web.config.file"),
            help: "YAML file with TLS (tls_server_config) and credentials (basic_auth_users, bearer_tokens, authorization) for every listener, as Prometheus's web config; see docs/security.md. Empty: plain HTTP, no authentication.")
    var webConfigFile = ""

    @Option(name: .customLong("web.auth-cache-size"),
            help: "Most successful bcrypt password verifications remembered, so that repeated requests skip bcrypt (0 disables the cache).")
    var webAuthCacheSize = 1000

    @Option(name: .customLong("log.level"), help: "Only log messages of this level or above: debug, info, warn, error.")
    var logLevel = "info"

    @Option(name: .customLong("log.format"), help: "Log format: logfmt or json.")
    var logFormat = "logfmt"

    /// Validates every flag into a configuration; the first bad one throws.
    func makeConfiguration() throws(ConfigurationError) -> ServeConfiguration {
        let level = try ServeConfiguration.value("log.level", logLevel) { name throws(ConfigurationError.Reason) in
            try LogConfiguration.level(named: name)
        }
        let format = try ServeConfiguration.value("log.format", logFormat) { name throws(ConfigurationError.Reason) in
            guard let format = LogConfiguration.Format(rawValue: name) else { throw .init("must be logfmt or json") }
            return format
        }
        var configuration = ServeConfiguration(
            webListenAddress: try ServeConfiguration.listenAddress("web.listen-address", webListenAddress),
            otlpHTTPListenAddress: try ServeConfiguration.optionalListenAddress("otlp.http-listen-address", otlpHTTPListenAddress),
            otlpGRPCListenAddress: try ServeConfiguration.optionalListenAddress("otlp.grpc-listen-address", otlpGRPCListenAddress),
            storagePath: storagePath,
            retentionMilliseconds: try ServeConfiguration.positiveDuration("storage.retention", storageRetention),
            log: LogConfiguration(level: level, format: format))
        configuration.traceRetentionMilliseconds = storageTracesRetention.isEmpty
            ? configuration.retentionMilliseconds
            : try ServeConfiguration.positiveDuration("storage.traces.retention", storageTracesRetention)
        configuration.walSync = try ServeConfiguration.walSync("storage.wal-fsync", storageWALFsync)
        configuration.outOfOrderTimeWindowMilliseconds = try ServeConfiguration.duration(
            "storage.out-of-order-time-window", storageOutOfOrderTimeWindow)
        configuration.maxActiveSeries = try Self.positive("storage.max-active-series", storageMaxActiveSeries)
        configuration.remoteWriteLimits = RemoteWriteLimits(
            maxCompressedBodyBytes: try Self.positive("remote-write.max-compressed-body-bytes", remoteWriteMaxCompressedBodyBytes),
            maxDecompressedBodyBytes: try Self.positive("remote-write.max-decompressed-body-bytes", remoteWriteMaxDecompressedBodyBytes),
            maxSeriesPerRequest: try Self.positive("remote-write.max-series-per-request", remoteWriteMaxSeriesPerRequest),
            maxLabelsPerSeries: try Self.positive("remote-write.max-labels-per-series", remoteWriteMaxLabelsPerSeries),
            maxLabelNameLength: try Self.positive("remote-write.max-label-name-length", remoteWriteMaxLabelNameLength),
            maxLabelValueLength: try Self.positive("remote-write.max-label-value-length", remoteWriteMaxLabelValueLength),
            maxExemplarLabelSetLength: try Self.positive("remote-write.max-exemplar-label-set-length", remoteWriteMaxExemplarLabelSetLength))
        configuration.queryLimits.timeoutMilliseconds = try ServeConfiguration.positiveDuration("query.timeout", queryTimeout)
        configuration.queryLimits.maxSamples = try Self.positive("query.max-samples", queryMaxSamples)
        configuration.queryLimits.maxConcurrency = try Self.positive("query.max-concurrency", queryMaxConcurrency)
        configuration.queryLimits.lookbackDeltaMilliseconds = try ServeConfiguration.positiveDuration("query.lookback-delta", queryLookbackDelta)
        configuration.traceSearchLimits.maxSearchLimit = try Self.positive("traces.max-search-limit", tracesMaxSearchLimit)
        configuration.traceSearchLimits.searchTimeoutMilliseconds = try ServeConfiguration.positiveDuration(
            "traces.search-timeout", tracesSearchTimeout)
        guard let strategy = OTLPTranslationStrategy(rawValue: otlpTranslationStrategy) else {
            throw ConfigurationError(
                flag: "otlp.translation-strategy", value: otlpTranslationStrategy,
                message: "must be one of " + OTLPTranslationStrategy.allCases.map(\.rawValue).joined(separator: ", "))
        }
        configuration.otlpTranslation = OTLPTranslationOptions(
            strategy: strategy,
            promoteResourceAttributes: otlpPromoteResourceAttributes.split(separator: ",")
                .map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty },
            scopeLabels: otlpScopeLabels ? .on : .off,
            deltaConversion: otlpDeltaConversion ? .toCumulative : .reject,
            lookbackDeltaMilliseconds: configuration.queryLimits.lookbackDeltaMilliseconds,
            streamCacheSize: try Self.nonNegative("otlp.stream-cache-size", otlpStreamCacheSize))
        configuration.otlpMaxBodyBytes = try Self.positive("otlp.max-body-bytes", otlpMaxBodyBytes)
        configuration.ingestAdmission.maxInFlightBytes = try Self.positive("ingest.max-inflight-bytes", ingestMaxInflightBytes)
        let maxMemory = try ServeConfiguration.memorySize(
            "storage.max-memory", storageMaxMemory, available: MemoryGuard.availableBytes())
        configuration.ingestAdmission.maxMemoryBytes = maxMemory > 0 ? maxMemory : nil
        guard webAuthCacheSize >= 0 else {
            throw ConfigurationError(flag: "web.auth-cache-size", value: String(webAuthCacheSize), message: "must not be negative")
        }
        configuration.web = try ServeConfiguration.webConfig("web.config.file", webConfigFile, cacheCapacity: webAuthCacheSize)
        try ServeConfiguration.prepareStorageDirectory(storagePath)
        return configuration
    }

    static func nonNegative(_ flag: String, _ value: Int) throws(ConfigurationError) -> Int {
        guard value >= 0 else { throw ConfigurationError(flag: flag, value: String(value), message: "must be 0 or greater") }
        return value
    }

    static func positive(_ flag: String, _ value: Int) throws(ConfigurationError) -> Int {
        guard value > 0 else { throw ConfigurationError(flag: flag, value: String(value), message: "must be greater than 0") }
        return value
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        try await PivotServer(configuration: configuration, buildInfo: .current).run()
    }
}
