import Foundation

/// A `--web.config.file` for end-to-end tests, in its own directory, with optionally a
/// self-signed certificate for `localhost` and 127.0.0.1 made by the `openssl` command line.
struct WebConfigFixture {
    let directory: String
    var path: String { directory + "/web.yml" }
    var certificatePath: String { directory + "/server.crt" }

    /// bcrypt of "correct horse" (cost 4), made by Python's bcrypt package.
    static let aliceHash = "$2b$04$BTDswjnDtWOeaJKInezMceaC0TKQsNUPL3qZklki2LDe9WuN3BTOm"
    static let alice = "Basic " + Data("alice:correct horse".utf8).base64EncodedString()

    /// Writes `yaml` (and, with `tls`, server.crt and server.key plus the `tls_server_config` for them).
    init(_ yaml: String, tls: Bool = false) throws {
        directory = PivotProcess.temporaryDirectory("pivot-webconfig")
        var text = yaml
        if tls {
            try Self.makeCertificate(in: directory)
            text += "\ntls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func makeCertificate(in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PeerProcess.find("openssl") ?? "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", directory + "/server.key", "-out", directory + "/server.crt", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PivotProcessError("openssl req failed: \(process.terminationStatus)") }
    }
}
