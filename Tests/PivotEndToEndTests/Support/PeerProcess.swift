import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real peer program (Prometheus, node exporter) started for a test on loopback and stopped by PID.
final class PeerProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String

    init(executable: String, arguments: [String]) throws {
        logPath = PivotProcess.temporaryDirectory("peer-log") + "/output.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardError = log
        process.standardOutput = log
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }

    /// Finds an executable on PATH or in the usual Debian places.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// GETs a URL and decodes a Prometheus API `data` field.
func fetchJSON(_ url: String) async throws -> Any {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    let status = (response as! HTTPURLResponse).statusCode
    guard status == 200 else {
        throw PivotProcessError("GET \(url) → \(status): \(String(decoding: data, as: UTF8.self))")
    }
    let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    return object["data"] as Any
}

func fetchText(_ url: String) async throws -> String {
    let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
    return String(decoding: data, as: UTF8.self)
}
