import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A 2xx to a trace export means the spans survive `kill -9`: writers export spans over OTLP/HTTP
/// JSON while pivot is killed with SIGKILL at random moments; after a restart every acknowledged
/// trace is found by id with all its spans.
@Suite(.serialized) struct TraceCrashRecoveryTests {
    static let writers = 3
    static let spansPerTrace = 3

    static func traceID(writer: Int, sequence: Int) -> String { String(format: "%016x%016x", 0xc0ffee + writer, sequence + 1) }

    /// One export: one trace of `spansPerTrace` spans (a root and its children).
    static func body(writer: Int, sequence: Int) -> Data {
        let trace = traceID(writer: writer, sequence: sequence)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let spans = (0..<spansPerTrace).map { index in
            let parent = index == 0 ? "" : #","parentSpanId":"\#(String(format: "%016x", 1))""#
            return #"{"traceId":"\#(trace)","spanId":"\#(String(format: "%016x", index + 1))"\#(parent),"name":"op \#(index)","kind":2,"startTimeUnixNano":"\#(now)","endTimeUnixNano":"\#(now + 1_000_000)","attributes":[{"key":"writer","value":{"intValue":"\#(writer)"}}]}"#
        }
        let json = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"crash"}}]},"scopeSpans":[{"spans":["# + spans.joined(separator: ",") + "]}]}]}"
        return Data(json.utf8)
    }

    @Test func everyAcknowledgedSpanSurvivesKillNine() async throws {
        // Five kill -9 cycles during concurrent trace exports; every 200-acknowledged trace comes back complete.
        let cycles = Int(ProcessInfo.processInfo.environment["PIVOT_CRASH_CYCLES"] ?? "").map { max(1, $0 / 2) } ?? 5
        let storage = PivotProcess.temporaryDirectory("pivot-trace-crash")
        let log = AcknowledgementLog()
        _ = try await KillNineCycles.run(
            storage: storage, cycles: cycles, writers: Self.writers, log: log, minimumDelayMilliseconds: 300
        ) { pivot, writer, sequence in
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/traces")!, timeoutInterval: 5)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Self.body(writer: writer, sequence: sequence)
            guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
            return (response as? HTTPURLResponse)?.statusCode == 200
        }

        let pivot = try PivotProcess(storagePath: storage)
        try await pivot.waitUntilReady()
        let acknowledged = log.snapshot
        let total = acknowledged.values.map(\.count).reduce(0, +)
        #expect(total > cycles, "too few exports were acknowledged to test anything")
        var lost = 0
        for (writer, sequences) in acknowledged {
            for sequence in sequences {
                let id = Self.traceID(writer: writer, sequence: sequence)
                guard let data = try? await fetchJSON(pivot.baseURL + "/jaeger/api/traces/\(id)") as? [[String: Any]],
                    let spans = data.first?["spans"] as? [[String: Any]], spans.count == Self.spansPerTrace
                else {
                    lost += 1
                    continue
                }
            }
        }
        #expect(lost == 0, "\(lost) of \(total) acknowledged traces were lost or incomplete")
        print("trace crash recovery: \(cycles) cycles, \(total) acknowledged traces, \(lost) lost")
        _ = try await pivot.stop()
    }
}
