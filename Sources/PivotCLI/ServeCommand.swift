import ArgumentParser
import PivotModel

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
        "storage.path", "storage.retention", "log.level", "log.format",
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
        let configuration = ServeConfiguration(
            webListenAddress: try ServeConfiguration.listenAddress("web.listen-address", webListenAddress),
            otlpHTTPListenAddress: try ServeConfiguration.optionalListenAddress("otlp.http-listen-address", otlpHTTPListenAddress),
            otlpGRPCListenAddress: try ServeConfiguration.optionalListenAddress("otlp.grpc-listen-address", otlpGRPCListenAddress),
            storagePath: storagePath,
            retentionMilliseconds: try ServeConfiguration.positiveDuration("storage.retention", storageRetention),
            log: LogConfiguration(level: level, format: format))
        try ServeConfiguration.prepareStorageDirectory(storagePath)
        return configuration
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        try await PivotServer(configuration: configuration, buildInfo: .current).run()
    }
}
