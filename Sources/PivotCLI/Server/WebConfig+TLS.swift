import GRPCNIOTransportHTTP2
import NIOSSL

extension WebConfig.TLSServer {
    /// The server TLS configuration for the HTTP listeners. Loads the certificate chain, key and
    /// client CAs and builds a TLS context once, so that a key that does not fit its certificate
    /// or an unreadable PEM file fails here, before anything listens.
    func httpConfiguration() throws(WebConfig.ParseError) -> TLSConfiguration {
        let at = "tls_server_config"
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certFile)
        } catch {
            throw WebConfig.ParseError("\(at).cert_file: \(certFile) is not a PEM certificate chain: \(error)")
        }
        guard !chain.isEmpty else { throw WebConfig.ParseError("\(at).cert_file: \(certFile) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw WebConfig.ParseError("\(at).key_file: \(keyFile) is not a PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if clientAuth == .requireAndVerifyClientCert, let clientCAFile {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMFile(clientCAFile)
            } catch {
                throw WebConfig.ParseError("\(at).client_ca_file: \(clientCAFile) is not PEM certificates: \(error)")
            }
            configuration.trustRoots = .certificates(roots)
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw WebConfig.ParseError("\(at): cannot use cert_file \(certFile) with key_file \(keyFile): \(error)")
        }
        return configuration
    }

    /// The same certificate, key and client verification for the OTLP/gRPC listener.
    var grpcTransportSecurity: HTTP2ServerTransport.Posix.TransportSecurity {
        .tls(
            certificateChain: [.file(path: certFile, format: .pem)],
            privateKey: .file(path: keyFile, format: .pem)
        ) { tls in
            if clientAuth == .requireAndVerifyClientCert, let clientCAFile {
                tls.clientCertificateVerification = .noHostnameVerification
                tls.trustRoots = .certificates([.file(path: clientCAFile, format: .pem)])
            }
        }
    }
}
