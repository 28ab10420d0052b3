import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PivotAuth
import PivotGRPC
import PivotIngest
import ServiceLifecycle

/// The OTLP/gRPC listener (`--otlp.grpc-listen-address`), gzip accepted, messages up to
/// `--otlp.max-body-bytes`: the OTLP metrics, trace and logs services. Over TLS and behind ingest
/// credentials when `--web.config.file` asks for them.
struct GRPCListenerService: Service {
    let address: ListenAddress
    let maxMessageBytes: Int
    let metrics: OTLPMetricsReceiver
    let traces: OTLPTracesReceiver
    let admission: IngestAdmission
    let webConfig: WebConfig
    let logger: Logger

    func run() async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: address.host == "localhost" ? "127.0.0.1" : address.host, port: address.port),
            transportSecurity: webConfig.tls?.grpcTransportSecurity ?? .plaintext,
            config: .defaults {
                $0.compression.enabledAlgorithms = .all
                $0.rpc.maxRequestPayloadSize = maxMessageBytes
            })
        let interceptors: [any ServerInterceptor] = webConfig.authenticator.map { [AuthenticationInterceptor(authenticator: $0)] } ?? []
        let server = GRPCServer(
            transport: transport,
            services: [
                LogsService(), MetricsService(receiver: metrics, admission: admission),
                TraceService(receiver: traces, admission: admission),
            ],
            interceptors: interceptors)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                do {
                    try await server.serve()
                } catch {
                    throw StartupError("cannot listen on --otlp.grpc-listen-address=\(address): \(ListenerService.describe(error))")
                }
            }
            group.addTask {
                if let bound = try? await transport.listeningAddress {
                    logger.info("listening", metadata: [
                        "flag": "otlp.grpc-listen-address", "address": "\(bound)", "scheme": "\(webConfig.tls == nil ? "http" : "https")",
                    ])
                }
                try? await gracefulShutdown()
                logger.info("stopping listener", metadata: ["flag": "otlp.grpc-listen-address"])
                server.beginGracefulShutdown()
            }
        }
        logger.info("listener stopped", metadata: ["flag": "otlp.grpc-listen-address"])
    }
}
