import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `pivot` binary, started on free loopback ports with its own storage directory, and
/// stopped by its PID.
final class PivotProcess: @unchecked Sendable {
    let process = Process()
    let webPort: Int
    let otlpHTTPPort: Int
    let storagePath: String
    let stderrPath: String
    /// When Foundation saw the process exit, on its own thread: a stop's duration must not include
    /// how late a busy cooperative pool wakes the polling task.
    private let exitedAt = Mutex<ContinuousClock.Instant?>(nil)

    /// The binary under test: `PIVOT_BINARY`, or `.build/debug/pivot` of this package.
    static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["PIVOT_BINARY"] { return path }
        return packageRoot + "/.build/debug/pivot"
    }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func temporaryDirectory(_ prefix: String) -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    init(storagePath: String? = nil, webPort: Int? = nil, extraArguments: [String] = []) throws {
        self.webPort = webPort ?? freePort()
        otlpHTTPPort = freePort()
        self.storagePath = storagePath ?? Self.temporaryDirectory("pivot-e2e")
        stderrPath = Self.temporaryDirectory("pivot-log") + "/stderr.log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = [
            "serve",
            "--web.listen-address=127.0.0.1:\(self.webPort)",
            "--otlp.http-listen-address=127.0.0.1:\(otlpHTTPPort)",
            "--otlp.grpc-listen-address=",
            "--storage.path=\(self.storagePath)",
        ] + extraArguments
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardOutput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] _ in self?.exitedAt.withLock { $0 = ContinuousClock.now } }
        try process.run()
    }

    var baseURL: String { "http://127.0.0.1:\(webPort)" }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits until `/-/ready` answers 200, or the process exits, or `timeout` passes.
    func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw PivotProcessError("pivot exited: \(stderr)") }
            if let (status, _) = try? await get("/-/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PivotProcessError("pivot not ready after \(timeout): \(stderr)")
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    func post(_ path: String, body: Data, headers: [String: String] = [:]) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> (Int, Data) {
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    /// Sends `signal` and waits for the exit; returns the exit status and how long it took.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async throws -> (status: Int32, elapsed: Duration) {
        let start = ContinuousClock.now
        kill(process.processIdentifier, signal)
        while process.isRunning {
            if ContinuousClock.now - start > timeout {
                kill(process.processIdentifier, SIGKILL)
                throw PivotProcessError("pivot did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let exited = exitedAt.withLock { $0 } ?? ContinuousClock.now
        return (process.terminationStatus, exited - start)
    }

    /// Waits for the process to exit on its own.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let start = ContinuousClock.now
        while process.isRunning {
            if ContinuousClock.now - start > timeout {
                kill(process.processIdentifier, SIGKILL)
                throw PivotProcessError("pivot did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct PivotProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
