import Hummingbird
import Logging
import Metrics
import PivotHTTP
import PivotIngest
import PivotOTLP
import PivotPromQL
import PivotRemoteWrite
import Prometheus
import ServiceLifecycle
import UnixSignals

/// Wires configuration, storage and listeners into one service group and runs it until SIGTERM/SIGINT.
struct PivotServer {
    let configuration: ServeConfiguration
    let buildInfo: BuildInfo

    /// Longest a graceful shutdown may take before remaining work is cancelled (the process must exit
    /// within 10 s of SIGTERM).
    static let gracefulShutdownLimit: Duration = .seconds(8)

    func run() async throws {
        let log = configuration.log
        LoggingSystem.bootstrap { label in LogLineHandler(label: label, level: log.level, format: log.format) }
        let logger = Logger(label: "pivot")

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        registry.makeGauge(
            name: "pivot_build_info",
            labels: [("version", buildInfo.version), ("revision", buildInfo.revision), ("swiftversion", buildInfo.swiftVersion)],
            help: "A metric with a constant '1' value labeled by the version and revision Pivot was built from."
        ).set(to: 1.0)

        let readiness = Readiness()
        let operations = OperationsRoutes(
            buildInfo: buildInfo, readiness: readiness, metrics: PrometheusExposition(registry: registry))

        let backend = BackendSlot()
        let admission = IngestAdmission(limits: configuration.ingestAdmission)
        let tls = try configuration.web.tls.map { tls throws(StartupError) in
            do throws(WebConfig.ParseError) {
                return try tls.httpConfiguration()
            } catch {
                throw StartupError("--web.config.file: \(error)")
            }
        }
        let webRouter = Router()
        webRouter.add(middleware: ExecutorMiddleware())
        webRouter.add(middleware: RequestMetricsMiddleware())
        if let authenticator = configuration.web.authenticator {
            webRouter.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        }
        operations.register(on: webRouter)
        RemoteWriteRoutes(backend: backend, limits: configuration.remoteWriteLimits, admission: admission).register(on: webRouter)
        SeriesRoutes(backend: backend, parseSelector: { text in try parseMetricSelector(text) }).register(on: webRouter)
        let queryRoutes = QueryRoutes(backend: backend, limits: configuration.queryLimits)
        queryRoutes.register(on: webRouter)
        var webInline = InlineRoutes(authenticator: configuration.web.authenticator)
        queryRoutes.registerInline(on: &webInline)
        let otlpMetrics = OTLPMetricsReceiver(
            translator: OTLPMetricsTranslator(options: configuration.otlpTranslation),
            limits: SeriesLimits(
                maxLabelsPerSeries: configuration.remoteWriteLimits.maxLabelsPerSeries,
                maxLabelNameLength: configuration.remoteWriteLimits.maxLabelNameLength,
                maxLabelValueLength: configuration.remoteWriteLimits.maxLabelValueLength),
            ingestor: { backend.current?.ingestor })
        let otlpTraces = OTLPTracesReceiver(store: { backend.current?.traceWriter })
        let otlpRoutes = OTLPRoutes(
            metrics: otlpMetrics, traces: otlpTraces, maxBodyBytes: configuration.otlpMaxBodyBytes, admission: admission)
        otlpRoutes.registerPrometheusPath(on: webRouter)
        TempoRoutes(backend: backend, buildInfo: buildInfo, limits: configuration.traceSearchLimits).register(on: webRouter)
        JaegerRoutes(backend: backend, limits: configuration.traceSearchLimits).register(on: webRouter)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StorageService(
                configuration: configuration, readiness: readiness, backend: backend, admission: admission, logger: logger)),
            .init(service: try ListenerService(
                flag: "web.listen-address", address: configuration.webListenAddress, router: webRouter, inline: webInline, tls: tls,
                logger: logger)),
        ]
        if let otlpAddress = configuration.otlpHTTPListenAddress {
            let otlpRouter = Router()
            otlpRouter.add(middleware: ExecutorMiddleware())
            otlpRouter.add(middleware: RequestMetricsMiddleware())
            if let authenticator = configuration.web.authenticator {
                otlpRouter.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
            }
            operations.register(on: otlpRouter)
            otlpRoutes.register(on: otlpRouter)
            services.append(.init(service: try ListenerService(
                flag: "otlp.http-listen-address", address: otlpAddress, router: otlpRouter, tls: tls, logger: logger)))
        }

        if let grpcAddress = configuration.otlpGRPCListenAddress {
            services.append(.init(service: GRPCListenerService(
                address: grpcAddress, maxMessageBytes: configuration.otlpMaxBodyBytes, metrics: otlpMetrics,
                traces: otlpTraces, admission: admission, webConfig: configuration.web, logger: logger)))
        }

        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = Self.gracefulShutdownLimit
        logger.info("starting pivot", metadata: [
            "version": "\(buildInfo.version)", "revision": "\(buildInfo.revision)",
            "storage.path": "\(configuration.storagePath)",
            "tls": "\(configuration.web.tls != nil)", "authentication": "\(configuration.web.authenticator != nil)",
        ])
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("pivot stopped")
    }
}
