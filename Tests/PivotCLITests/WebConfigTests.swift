import ArgumentParser
import Foundation
import PivotAuth
@testable import PivotCLI
import Testing

/// `--web.config.file`: good files parse, and every bad file fails with a message naming the key.
@Suite struct WebConfigTests {
    static let aliceHash = "$2b$04$BTDswjnDtWOeaJKInezMceaC0TKQsNUPL3qZklki2LDe9WuN3BTOm"  // "correct horse", Python bcrypt

    static func directory() -> String {
        let path = NSTemporaryDirectory() + "pivot-webconfig-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func parse(_ yaml: String, in directory: String = directory()) throws(WebConfig.ParseError) -> WebConfig {
        try WebConfig.parse(yaml: yaml, relativeTo: directory)
    }

    static func message(_ yaml: String, in directory: String = directory()) -> String? {
        do throws(WebConfig.ParseError) {
            _ = try parse(yaml, in: directory)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func anEmptyFileTurnsNothingOn() throws {
        // An empty file (or one with only comments) means no TLS and no authentication.
        let config = try Self.parse("# nothing yet\n")
        #expect(config.tls == nil)
        #expect(config.authenticator == nil)
    }

    @Test func usersTokensAndRolesParse() async throws {
        // basic_auth_users, bearer_tokens (inline and from a file) and authorization build one authenticator.
        let dir = Self.directory()
        try "from-file-token\n".write(toFile: dir + "/grafana.token", atomically: true, encoding: .utf8)
        let config = try Self.parse("""
            basic_auth_users:
              alice: \(Self.aliceHash)
            bearer_tokens:
              - name: collector
                token: "ingest-secret"
              - name: grafana
                token_file: grafana.token
            authorization:
              ingest: [collector, alice]
              query: [grafana, alice]
            """, in: dir)
        let auth = try #require(config.authenticator)
        #expect(await auth.decide(authorization: "Bearer ingest-secret", role: .ingest) == .granted(identity: "collector"))
        #expect(await auth.decide(authorization: "Bearer ingest-secret", role: .query) == .forbidden(identity: "collector"))
        #expect(await auth.decide(authorization: "Bearer from-file-token", role: .query) == .granted(identity: "grafana"))
        #expect(await auth.decide(authorization: "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==", role: .query) == .granted(identity: "alice"))
        #expect(config.tls == nil)
    }

    @Test func tlsFilesResolveRelativeToTheConfigFile() throws {
        // cert_file and key_file relative paths are read next to the config file.
        let dir = Self.directory()
        FileManager.default.createFile(atPath: dir + "/server.crt", contents: Data("x".utf8))
        FileManager.default.createFile(atPath: dir + "/server.key", contents: Data("x".utf8))
        let config = try Self.parse("""
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
            """, in: dir)
        #expect(config.tls == WebConfig.TLSServer(certFile: dir + "/server.crt", keyFile: dir + "/server.key"))
    }

    @Test(arguments: [
        ("basic_auth_user:\n  alice: x\n", "basic_auth_user: unknown key"),
        ("http_server_config:\n  http2: false\n", "http_server_config: this Prometheus web config key is not supported"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n", "not supported"),
        ("bearer_tokens:\n  - name: a\n    token: b\n    scope: x\n", "bearer_tokens[0].scope: unknown key"),
        ("basic_auth_users:\n  alice: \(aliceHash)\nauthorization:\n  admin: [alice]\n", "authorization.admin: unknown key"),
        ("basic_auth_users:\n  alice: notahash\n", "basic_auth_users.alice: a bcrypt hash has 60 characters"),
        ("basic_auth_users:\n  alice: $1$" + String(repeating: "a", count: 57) + "\n", "basic_auth_users.alice: a bcrypt hash starts with"),
        ("basic_auth_users:\n  alice: \(aliceHash)\n  alice: \(aliceHash)\n", "basic_auth_users.alice: given twice"),
        ("basic_auth_users: [alice]\n", "basic_auth_users: must be a mapping"),
        ("bearer_tokens:\n  name: a\n", "bearer_tokens: must be a list"),
        ("bearer_tokens:\n  - name: a\n", "bearer_tokens[0]: needs token or token_file"),
        ("bearer_tokens:\n  - token: a\n", "bearer_tokens[0]: missing name"),
        ("bearer_tokens:\n  - name: a\n    token: b\n    token_file: c\n", "has both token and token_file"),
        ("bearer_tokens:\n  - name: a\n    token_file: missing.token\n", "bearer_tokens[0].token_file: cannot read"),
        ("basic_auth_users:\n  alice: \(aliceHash)\nauthorization:\n  query: [bob]\n", "authorization.query names \"bob\""),
        ("authorization:\n  query: [bob]\n", "authorization: needs basic_auth_users or bearer_tokens"),
        ("tls_server_config:\n  key_file: b\n", "tls_server_config: missing cert_file"),
        ("tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n", "tls_server_config.cert_file: cannot read"),
        ("- a\n- b\n", "the file: must be a mapping"),
        ("basic_auth_users: {alice: [\n", "not valid YAML"),
    ])
    func badFilesFailWithTheKeyAndTheReason(yaml: String, expected: String) {
        // Each bad file is refused; the message names the offending key and says what is wrong.
        let message = Self.message(yaml)
        #expect(message?.contains(expected) == true, "\(message ?? "no error")")
    }

    @Test func clientCertificatesNeedACAAndASupportedMode() {
        // RequireAndVerifyClientCert needs client_ca_file; a CA without a mode and unsupported modes are refused.
        let dir = Self.directory()
        for name in ["s.crt", "s.key", "ca.crt"] { FileManager.default.createFile(atPath: dir + "/" + name, contents: Data("x".utf8)) }
        let base = "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n"
        #expect(Self.message(base + "  client_auth_type: RequireAndVerifyClientCert\n", in: dir)?.contains("needs client_ca_file") == true)
        #expect(Self.message(base + "  client_ca_file: ca.crt\n", in: dir)?.contains("client_auth_type is NoClientCert") == true)
        #expect(Self.message(base + "  client_ca_file: ca.crt\n  client_auth_type: VerifyClientCertIfGiven\n", in: dir)?
            .contains("not supported by Pivot") == true)
        #expect(Self.message(base + "  client_auth_type: Sometimes\n", in: dir)?.contains("unknown value") == true)
        #expect(Self.message(base + "  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n", in: dir) == nil)
    }

    @Test func theFlagNamesTheFileInItsError() throws {
        // A missing file fails configuration with the flag name, the path and the reason.
        let dir = Self.directory()
        let command = try ServeCommand.parse(["--storage.path=\(dir)/data", "--web.config.file=\(dir)/nope.yml"])
        #expect {
            _ = try command.makeConfiguration()
        } throws: { error in
            let text = "\(error)"
            return text.contains("--web.config.file") && text.contains("nope.yml") && text.contains("No such file")
        }
    }

    @Test func aCertificateThatIsNotPEMFailsBeforeListening() throws {
        // Readable but unusable TLS files are refused at configuration time, naming the key.
        let dir = Self.directory()
        FileManager.default.createFile(atPath: dir + "/s.crt", contents: Data("not a certificate".utf8))
        FileManager.default.createFile(atPath: dir + "/s.key", contents: Data("not a key".utf8))
        try "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n".write(toFile: dir + "/web.yml", atomically: true, encoding: .utf8)
        let command = try ServeCommand.parse(["--storage.path=\(dir)/data", "--web.config.file=\(dir)/web.yml"])
        #expect {
            _ = try command.makeConfiguration()
        } throws: { error in
            "\(error)".contains("tls_server_config.cert_file")
        }
    }
}
