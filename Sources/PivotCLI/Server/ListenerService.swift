import Hummingbird
import HummingbirdTLS
import Logging
import PivotHTTP
import NIOSSL
import ServiceLifecycle

/// Runs one HTTP listener (over TLS when `tls` is given) and turns a failure to bind into a
/// `StartupError` that names its flag.
struct ListenerService: Service {
    let flag: String
    let address: ListenAddress
    let application: Application<RouterResponder<BasicRequestContext>>
    let logger: Logger

    /// - Parameter inline: routes the listener's connections answer themselves when they can, before
    ///   the router (which must answer the same paths too).
    init(
        flag: String, address: ListenAddress, router: Router<BasicRequestContext>, inline: InlineRoutes = InlineRoutes(authenticator: nil),
        tls: TLSConfiguration? = nil, logger: Logger
    ) throws {
        self.flag = flag
        self.address = address
        self.logger = logger
        let scheme = tls == nil ? "http" : "https"
        application = Application(
            router: router,
            server: try tls.map { try .tls(.http1OnEventLoops(inline: inline), tlsConfiguration: $0) } ?? .http1OnEventLoops(inline: inline),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in
                logger.info("listening", metadata: [
                    "flag": "\(flag)", "address": "\(channel.localAddress?.description ?? "\(address)")", "scheme": "\(scheme)",
                ])
            },
            logger: logger)
    }

    func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await application.run()
            } onGracefulShutdown: { [logger, flag] in
                // Marks where a slow stop spends its time: open connections are drained from here on.
                logger.info("stopping listener", metadata: ["flag": "\(flag)"])
            }
        } catch {
            throw StartupError("cannot listen on --\(flag)=\(address): \(Self.describe(error))")
        }
        logger.info("listener stopped", metadata: ["flag": "\(flag)"])
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
            return "address already in use"
        }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
            return "cannot assign requested address"
        }
        return text
    }
}
