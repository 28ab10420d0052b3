import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PivotModel
import PivotRemoteWrite
import Synchronization
import Testing

/// Under more ingest than the machine can take, pivot sheds load with retryable refusals (503 +
/// `Retry-After` for remote-write, 429 + `Retry-After` for OTLP/HTTP) instead of growing memory: its
/// resident set stays under `--storage.max-memory` for the whole overload, and afterwards every
/// acknowledged write is readable.
///
/// `PIVOT_OVERLOAD_SECONDS` sets the overload's length (120 by default).
@Suite(.serialized) struct OverloadTests {
    static let maxMemoryMiB = 160
    static let remoteWriteWriters = 10
    static let otlpWriters = 4
    static let traceWriters = 2
    static let seriesPerRemoteWrite = 2000
    static let pointsPerOTLP = 1000
    static let stepMilliseconds: Int64 = 100
    /// Remote-write writers start a new set of series every this many batches (series churn, which is
    /// what grows memory fastest).
    static let generationLength = 5

    /// Counts answers by status code.
    final class StatusCounts: Sendable {
        private let counts = Mutex<[Int: Int]>([:])
        func add(_ status: Int) { counts.withLock { $0[status, default: 0] += 1 } }
        var snapshot: [Int: Int] { counts.withLock { $0 } }
    }

    /// The peak resident set of a process, sampled from `/proc/<pid>/status`.
    final class ResidentPeak: Sendable {
        private let peak = Atomic<Int>(0)
        func sample(pid: Int32) {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            else { return }
            peak.max(kib * 1024, ordering: .relaxed)
        }
        var bytes: Int { peak.load(ordering: .relaxed) }
    }

    static func remoteWriteBatch(writer: Int, sequence: Int, base: Int64) -> WriteBatch {
        var batch = WriteBatch()
        let timestamp = base + Int64(sequence) * stepMilliseconds
        for series in 0..<seriesPerRemoteWrite {
            batch.append(
                labels: Labels([
                    "__name__": "overload_rw", "series": String(series), "writer": String(writer),
                    "generation": String(sequence / generationLength),
                ]),
                samples: [Sample(timestamp: timestamp, value: Double(sequence))], exemplars: [])
        }
        return batch
    }

    static func otlpBody(writer: Int, sequence: Int, base: Int64) -> Data {
        let nanos = "\((base + Int64(sequence) * stepMilliseconds) * 1_000_000)"
        let points = (0..<pointsPerOTLP).map { series in
            #"{"attributes":[{"key":"series","value":{"stringValue":"\#(series)"}},{"key":"writer","value":{"stringValue":"\#(writer)"}}],"timeUnixNano":"\#(nanos)","asDouble":\#(sequence)}"#
        }
        let json = #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"overload"}}]},"scopeMetrics":[{"metrics":[{"name":"overload_otlp","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":["#
            + points.joined(separator: ",") + "]}}]}]}]}"
        return Data(json.utf8)
    }

    static func traceID(writer: Int, sequence: Int) -> String { String(format: "%016x%016x", 0x0ade + writer, sequence + 1) }

    static func traceBody(writer: Int, sequence: Int) -> Data {
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let spans = (0..<20).map { index in
            #"{"traceId":"\#(traceID(writer: writer, sequence: sequence))","spanId":"\#(String(format: "%016x", index + 1))","name":"op \#(index)","kind":2,"startTimeUnixNano":"\#(now)","endTimeUnixNano":"\#(now + 1_000_000)","attributes":[{"key":"payload","value":{"stringValue":"\#(String(repeating: "x", count: 200))"}}]}"#
        }
        let json = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"overload"}}]},"scopeSpans":[{"spans":["#
            + spans.joined(separator: ",") + "]}]}]}"
        return Data(json.utf8)
    }

    static func post(_ url: String, body: Data, contentType: String) async -> (Int, String?)? {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        guard let (_, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else {
            return nil
        }
        return (http.statusCode, http.value(forHTTPHeaderField: "Retry-After"))
    }

    @Test func overloadIsShedWithRetryableRefusalsWithinTheMemoryBoundAndNothingAcknowledgedIsLost() async throws {
        // Sixteen writers send as fast as they can for two minutes to a pivot bounded to 160 MiB (series churn grows its head): some
        // writes are refused with 503/429 and Retry-After, the resident set never passes the bound, and
        // afterwards every acknowledged sample and span is there.
        let seconds = Int(ProcessInfo.processInfo.environment["PIVOT_OVERLOAD_SECONDS"] ?? "") ?? 120
        let pivot = try PivotProcess(extraArguments: [
            "--storage.max-memory=\(Self.maxMemoryMiB)MiB", "--ingest.max-inflight-bytes=\(8 << 20)",
        ])
        try await pivot.waitUntilReady()
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let log = AcknowledgementLog()
        let statuses = StatusCounts()
        let missingRetryAfter = StatusCounts()
        let peak = ResidentPeak()
        let pid = pivot.process.processIdentifier
        let deadline = ContinuousClock.now + .seconds(seconds)
        let writers = Self.remoteWriteWriters + Self.otlpWriters + Self.traceWriters

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while ContinuousClock.now < deadline {
                    peak.sample(pid: pid)
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            for writer in 0..<writers {
                group.addTask {
                    var sequence = 0
                    while ContinuousClock.now < deadline {
                        let answer: (Int, String?)?
                        let success: Int
                        if writer < Self.remoteWriteWriters {
                            let body = Data(RemoteWriteEncoder().encodeCompressed(
                                Self.remoteWriteBatch(writer: writer, sequence: sequence, base: base), version: .v1))
                            var request = URLRequest(url: URL(string: pivot.baseURL + "/api/v1/write")!, timeoutInterval: 30)
                            request.httpMethod = "POST"
                            request.httpBody = body
                            request.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
                            request.setValue("snappy", forHTTPHeaderField: "Content-Encoding")
                            if let (_, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse {
                                answer = (http.statusCode, http.value(forHTTPHeaderField: "Retry-After"))
                            } else {
                                answer = nil
                            }
                            success = 204
                        } else if writer < Self.remoteWriteWriters + Self.otlpWriters {
                            answer = await Self.post(
                                "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/metrics",
                                body: Self.otlpBody(writer: writer, sequence: sequence, base: base), contentType: "application/json")
                            success = 200
                        } else {
                            answer = await Self.post(
                                "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/traces",
                                body: Self.traceBody(writer: writer, sequence: sequence), contentType: "application/json")
                            success = 200
                        }
                        if let (status, retryAfter) = answer {
                            statuses.add(status)
                            if status == success { log.record(writer: writer, sequence: sequence) }
                            if (status == 503 || status == 429) && retryAfter == nil { missingRetryAfter.add(status) }
                        }
                        sequence += 1
                    }
                }
            }
        }

        let counts = statuses.snapshot
        let refusals = counts[503, default: 0] + counts[429, default: 0]
        print("overload: \(seconds) s, answers \(counts.sorted { $0.key < $1.key }), peak resident \(peak.bytes >> 20) MiB of \(Self.maxMemoryMiB) MiB")
        #expect(peak.bytes > 0, "the resident set was never read")
        #expect(peak.bytes <= Self.maxMemoryMiB << 20, "resident memory reached \(peak.bytes >> 20) MiB")
        #expect(refusals > 0, "nothing was refused: the test did not overload pivot")
        #expect(counts[204, default: 0] > 0 && counts[200, default: 0] > 0, "nothing was acknowledged")
        #expect(missingRetryAfter.snapshot.isEmpty, "refusals came without Retry-After: \(missingRetryAfter.snapshot)")
        #expect(counts.keys.allSatisfy { [200, 204, 429, 503].contains($0) }, "unexpected answers: \(counts)")

        // Afterwards (writes admitted again once memory is relieved), every acknowledged write is there.
        let acknowledged = log.snapshot
        let lastSequence: Int = acknowledged.values.compactMap { $0.max() }.max() ?? 0
        let end = Double(base + Int64(lastSequence + 1) * Self.stepMilliseconds) / 1000 + 1
        var lost = 0
        for writer in 0..<(Self.remoteWriteWriters + Self.otlpWriters) {
            let sequences = acknowledged[writer, default: []]
            let metric = writer < Self.remoteWriteWriters ? "overload_rw" : "overload_otlp_total"
            let series = writer < Self.remoteWriteWriters ? Self.seriesPerRemoteWrite : Self.pointsPerOTLP
            let counted = "sum(count_over_time(\(metric){writer=\"\(writer)\"}[2h]))"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let countData = try await fetchJSON(pivot.baseURL + "/api/v1/query?query=\(counted)&time=\(end)") as! [String: Any]
            let countResult = countData["result"] as! [[String: Any]]
            let total = countResult.first.flatMap { Int(($0["value"] as! [Any])[1] as! String) } ?? 0
            if total < sequences.count * series { lost += sequences.count * series - total }
            let one = "\(metric){writer=\"\(writer)\",series=\"0\"}[2h]".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let data = try await fetchJSON(pivot.baseURL + "/api/v1/query?query=\(one)&time=\(end)") as! [String: Any]
            let values = (data["result"] as! [[String: Any]]).flatMap { ($0["values"] as? [[Any]]) ?? [] }
            lost += sequences.subtracting(Set(values.map { Int(Double($0[1] as! String)!) })).count
        }
        for writer in (Self.remoteWriteWriters + Self.otlpWriters)..<writers {
            for sequence in acknowledged[writer, default: []] {
                let data = try? await fetchJSON(pivot.baseURL + "/jaeger/api/traces/\(Self.traceID(writer: writer, sequence: sequence))") as? [[String: Any]]
                if (data?.first?["spans"] as? [[String: Any]])?.count != 20 { lost += 1 }
            }
        }
        #expect(lost == 0, "\(lost) acknowledged samples or traces are missing after the overload")
        print("overload: \(acknowledged.values.map(\.count).reduce(0, +)) acknowledged writes, \(lost) lost")
        _ = try await pivot.stop()
    }
}
