import Foundation
import Testing

@Suite(.serialized) struct ServerLifecycleTests {
    @Test func operationsEndpointsAnswerOnceReady() async throws {
        // The real binary serves /-/healthy, /-/ready, /metrics with pivot_build_info, and Prometheus-shaped buildinfo.
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        let (healthy, _) = try await pivot.get("/-/healthy")
        #expect(healthy == 200)
        let (metricsStatus, metrics) = try await pivot.get("/metrics")
        #expect(metricsStatus == 200)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("pivot_build_info{"))
        #expect(text.contains("pivot_http_requests_total"))
        let (buildStatus, body) = try await pivot.get("/api/v1/status/buildinfo")
        #expect(buildStatus == 200)
        let object = try JSONSerialization.jsonObject(with: body) as! [String: Any]
        let data = object["data"] as! [String: Any]
        #expect(object["status"] as? String == "success")
        #expect(data["features"] == nil)
        #expect((data["version"] as? String)?.hasPrefix("3.") == true)
        let (stop, elapsed) = try await pivot.stop()
        #expect(stop == 0)
        #expect(elapsed < .seconds(10), "SIGTERM took \(elapsed); the server's log:\n\(pivot.stderr)")
    }

    @Test func sigtermAndSigintExitCleanlyWithinTenSeconds() async throws {
        // SIGTERM and SIGINT stop the server with exit code 0 in under 10 s.
        for signal in [SIGTERM, SIGINT] {
            let pivot = try PivotProcess()
            try await pivot.waitUntilReady()
            let (status, elapsed) = try await pivot.stop(signal: signal)
            #expect(status == 0, "signal \(signal): \(pivot.stderr)")
            #expect(elapsed < .seconds(10), "signal \(signal) took \(elapsed); the server's log:\n\(pivot.stderr)")
        }
    }

    @Test func aStopLogsEachStepInOrder() async throws {
        // A slow stop's log shows where the time went: each listener's drain, then the storage close.
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        let (status, _) = try await pivot.stop()
        #expect(status == 0)
        let log = pivot.stderr
        let steps = [
            "msg=\"stopping listener\" flag=otlp.http-listen-address", "msg=\"listener stopped\" flag=otlp.http-listen-address",
            "msg=\"stopping listener\" flag=web.listen-address", "msg=\"listener stopped\" flag=web.listen-address",
            "msg=\"closing storage\"", "msg=\"storage closed\"", "msg=\"pivot stopped\"",
        ]
        let positions = steps.map { log.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(log)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "\(log)")
    }

    @Test func aSecondInstanceOnTheSamePortFailsWithAClearMessage() async throws {
        // Binding a port in use exits non-zero with one line naming the flag.
        let first = try PivotProcess()
        try await first.waitUntilReady()
        let second = try PivotProcess(webPort: first.webPort)
        let status = try await second.waitForExit()
        #expect(status != 0)
        #expect(second.stderr.contains("--web.listen-address=127.0.0.1:\(first.webPort): address already in use"))
        #expect(!second.stderr.contains("Fatal error"))
        _ = try await first.stop()
    }

    @Test func aSecondInstanceOnTheSameStorageFails() async throws {
        // Two processes never share one storage directory.
        let first = try PivotProcess()
        try await first.waitUntilReady()
        let second = try PivotProcess(storagePath: first.storagePath)
        let status = try await second.waitForExit()
        #expect(status != 0)
        #expect(second.stderr.contains("in use by another Pivot process"))
        _ = try await first.stop()
    }

    @Test func badFlagsPrintOneLineAndExitNonZero() async throws {
        // A bad value names the flag on one line, without a stack trace.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PivotProcess.binaryPath)
        process.arguments = ["serve", "--storage.retention=soon"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 2)
        #expect(output.split(separator: "\n").count == 1)
        #expect(output.contains("--storage.retention"))
    }

    @Test func versionPrintsTheVersion() throws {
        // `pivot version` prints the version and revision.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PivotProcess.binaryPath)
        process.arguments = ["version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(output.hasPrefix("pivot, version "))
        #expect(output.contains("revision"))
    }

    @Test func helpListsEveryFlagWithItsDefault() throws {
        // `pivot serve --help` lists each flag and its default.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PivotProcess.binaryPath)
        process.arguments = ["serve", "--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        for flag in ["--web.listen-address", "--otlp.http-listen-address", "--otlp.grpc-listen-address",
                     "--storage.path", "--storage.retention", "--log.level", "--log.format"] {
            #expect(output.contains(flag), "\(flag) missing from help")
        }
        #expect(output.contains("(default: 0.0.0.0:9090)"))
        #expect(output.contains("(default: 15d)"))
    }
}
