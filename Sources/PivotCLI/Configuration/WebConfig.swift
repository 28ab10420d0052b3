import PivotAuth

/// The parsed `--web.config.file`: TLS for every listener and who may ingest and query.
///
/// The format is Prometheus's web configuration file (`tls_server_config`, `basic_auth_users`)
/// plus Pivot's `bearer_tokens` and `authorization`; see docs/security.md. Parsed by
/// `WebConfig.parse(yaml:relativeTo:)`.
public struct WebConfig: Sendable {
    /// `tls_server_config`: the server certificate, and optionally client certificates.
    public struct TLSServer: Sendable, Hashable {
        /// `client_auth_type`: the subset of Prometheus's values that Pivot supports.
        public enum ClientAuth: String, Sendable, Hashable, CaseIterable {
            /// Clients are not asked for a certificate (the default).
            case noClientCert = "NoClientCert"
            /// Clients must present a certificate signed by `client_ca_file`.
            case requireAndVerifyClientCert = "RequireAndVerifyClientCert"
        }

        /// PEM certificate chain, leaf first (`cert_file`).
        public var certFile: String
        /// PEM private key of the leaf certificate (`key_file`).
        public var keyFile: String
        /// PEM certificates that sign client certificates (`client_ca_file`).
        public var clientCAFile: String?
        public var clientAuth: ClientAuth

        public init(certFile: String, keyFile: String, clientCAFile: String? = nil, clientAuth: ClientAuth = .noClientCert) {
            self.certFile = certFile
            self.keyFile = keyFile
            self.clientCAFile = clientCAFile
            self.clientAuth = clientAuth
        }
    }

    /// A problem in the file: what and where (a key path such as `tls_server_config.cert_file`).
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// TLS on every listener; nil serves plain HTTP and gRPC.
    public var tls: TLSServer?
    /// Credentials checked on every listener; nil leaves them open.
    public var authenticator: Authenticator?

    public init(tls: TLSServer? = nil, authenticator: Authenticator? = nil) {
        self.tls = tls
        self.authenticator = authenticator
    }
}
