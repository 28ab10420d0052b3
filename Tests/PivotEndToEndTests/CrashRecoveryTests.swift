import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PivotModel
import PivotRemoteWrite
import Synchronization
import Testing

/// What the writers sent and which of it was acknowledged.
final class AcknowledgementLog: Sendable {
    private let acknowledged = Mutex<[Int: Set<Int>]>([:])

    func record(writer: Int, sequence: Int) {
        acknowledged.withLock { $0[writer, default: []].insert(sequence) }
    }

    var snapshot: [Int: Set<Int>] { acknowledged.withLock { $0 } }
}

/// The next sequence number each writer will use (one past the last one it sent).
final class SequenceTracker: Sendable {
    private let next: Mutex<[Int]>

    init(_ start: [Int]) { next = Mutex(start) }

    func sent(writer: Int, sequence: Int) { next.withLock { $0[writer] = sequence + 1 } }

    var snapshot: [Int] { next.withLock { $0 } }
}

/// An acknowledgement means durability, for every kind of write at once: remote-write batches (samples
/// and exemplars), OTLP metric exports (points and exemplars) and OTLP trace exports (spans) are sent
/// concurrently while pivot is killed with SIGKILL at random moments; after the last restart every
/// acknowledged sample, exemplar and span is readable, and nothing appears twice.
///
/// `PIVOT_CRASH_CYCLES` sets the number of cycles (20 by default; `make crash-test` runs 100).
@Suite(.serialized) struct CrashRecoveryTests {
    /// The writers, by index: two of each kind.
    enum Kind: CaseIterable {
        case remoteWrite, otlpMetrics, otlpTraces
    }
    static let writerKinds: [Kind] = [.remoteWrite, .remoteWrite, .otlpMetrics, .otlpMetrics, .otlpTraces, .otlpTraces]
    static let seriesPerBatch = 10
    static let spansPerTrace = 3
    static let stepMilliseconds: Int64 = 100

    static func traceID(writer: Int, sequence: Int) -> String {
        String(format: "%016x%016x", writer + 1, sequence + 1)
    }

    static func timestamp(base: Int64, sequence: Int) -> Int64 { base + Int64(sequence) * stepMilliseconds }

    /// A remote-write batch: `seriesPerBatch` series with the sequence number as value; series 0 carries an exemplar.
    static func remoteWriteBatch(writer: Int, sequence: Int, base: Int64) -> WriteBatch {
        var batch = WriteBatch()
        let timestamp = timestamp(base: base, sequence: sequence)
        for series in 0..<seriesPerBatch {
            let exemplars = series == 0
                ? [Exemplar(labels: Labels(["trace_id": traceID(writer: writer, sequence: sequence)]), value: Double(sequence), timestamp: timestamp)]
                : []
            batch.append(
                labels: Labels(["__name__": "crash_test", "series": String(series), "writer": String(writer)]),
                samples: [Sample(timestamp: timestamp, value: Double(sequence))], exemplars: exemplars)
        }
        return batch
    }

    /// An OTLP/JSON metrics export: a cumulative monotonic sum point per series with the sequence number
    /// as value; series 0 carries an exemplar with a trace id (the translation keeps exemplars of sums and
    /// histograms, as Prometheus's does). Translates to `crash_otlp_total{job="crash",series,writer}`.
    static func otlpMetricsBody(writer: Int, sequence: Int, base: Int64) -> Data {
        let nanos = "\(timestamp(base: base, sequence: sequence) * 1_000_000)"
        let points = (0..<seriesPerBatch).map { series in
            let exemplar = series == 0
                ? #","exemplars":[{"timeUnixNano":"\#(nanos)","asDouble":\#(sequence),"traceId":"\#(traceID(writer: writer, sequence: sequence))","spanId":"0000000000000001"}]"#
                : ""
            return #"{"attributes":[{"key":"series","value":{"stringValue":"\#(series)"}},{"key":"writer","value":{"stringValue":"\#(writer)"}}],"timeUnixNano":"\#(nanos)","asDouble":\#(sequence)\#(exemplar)}"#
        }
        let json = #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"crash"}}]},"scopeMetrics":[{"metrics":[{"name":"crash_otlp","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":["#
            + points.joined(separator: ",") + "]}}]}]}]}"
        return Data(json.utf8)
    }

    /// An OTLP/JSON trace export: one trace of `spansPerTrace` spans (a root and its children).
    static func otlpTracesBody(writer: Int, sequence: Int) -> Data {
        let trace = traceID(writer: writer, sequence: sequence)
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let spans = (0..<spansPerTrace).map { index in
            let parent = index == 0 ? "" : #","parentSpanId":"\#(String(format: "%016x", 1))""#
            return #"{"traceId":"\#(trace)","spanId":"\#(String(format: "%016x", index + 1))"\#(parent),"name":"op \#(index)","kind":2,"startTimeUnixNano":"\#(now)","endTimeUnixNano":"\#(now + 1_000_000)","attributes":[{"key":"writer","value":{"intValue":"\#(writer)"}}]}"#
        }
        let json = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"crash"}}]},"scopeSpans":[{"spans":["#
            + spans.joined(separator: ",") + "]}]}]}"
        return Data(json.utf8)
    }

    /// Posts OTLP/JSON; true for 200, false for another answer, nil when the server is gone.
    static func postOTLP(_ url: String, body: Data) async -> Bool? {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: 5)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    @Test func everyAcknowledgedSampleExemplarAndSpanSurvivesKillNine() async throws {
        // Six concurrent writers of three kinds, pivot killed with SIGKILL at random moments 20 times:
        // after a restart every acknowledged write is there in full, and nothing appears twice.
        let cycles = Int(ProcessInfo.processInfo.environment["PIVOT_CRASH_CYCLES"] ?? "") ?? 20
        let storage = PivotProcess.temporaryDirectory("pivot-crash")
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 2 * 3_600_000
        let log = AcknowledgementLog()
        let kinds = Self.writerKinds
        let nextSequence = try await KillNineCycles.run(storage: storage, cycles: cycles, writers: kinds.count, log: log) {
            pivot, writer, sequence in
            switch kinds[writer] {
            case .remoteWrite:
                let client = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
                let batch = Self.remoteWriteBatch(writer: writer, sequence: sequence, base: base)
                guard let response = try? await client.send(batch, timeout: 5) else { return nil }
                return response.status == 204
            case .otlpMetrics:
                return await Self.postOTLP(
                    "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/metrics",
                    body: Self.otlpMetricsBody(writer: writer, sequence: sequence, base: base))
            case .otlpTraces:
                return await Self.postOTLP(
                    "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/traces", body: Self.otlpTracesBody(writer: writer, sequence: sequence))
            }
        }

        let pivot = try PivotProcess(storagePath: storage)
        try await pivot.waitUntilReady()
        let acknowledged = log.snapshot
        var lost: [Kind: Int] = [:]
        var duplicated = 0
        var counts: [Kind: Int] = [:]
        let end = Double(Self.timestamp(base: base, sequence: nextSequence.max()! + 1)) / 1000
        for (writer, kind) in kinds.enumerated() {
            let sequences = acknowledged[writer, default: []]
            counts[kind, default: 0] += sequences.count
            switch kind {
            case .remoteWrite, .otlpMetrics:
                let metric = kind == .remoteWrite ? "crash_test" : "crash_otlp_total"
                let (missing, twice) = try await Self.checkSamplesAndExemplars(
                    pivot, metric: metric, writer: writer, acknowledged: sequences, start: Double(base) / 1000 - 1, end: end)
                lost[kind, default: 0] += missing
                duplicated += twice
            case .otlpTraces:
                for sequence in sequences {
                    let id = Self.traceID(writer: writer, sequence: sequence)
                    let data = try? await fetchJSON(pivot.baseURL + "/jaeger/api/traces/\(id)") as? [[String: Any]]
                    let spans = data?.first?["spans"] as? [[String: Any]] ?? []
                    if spans.count < Self.spansPerTrace { lost[kind, default: 0] += 1 }
                    if spans.count > Self.spansPerTrace { duplicated += 1 }
                }
            }
        }
        for kind in Kind.allCases {
            #expect(counts[kind, default: 0] > cycles, "too few \(kind) writes were acknowledged to test anything")
        }
        let totalLost = lost.values.reduce(0, +)
        #expect(totalLost == 0, "acknowledged writes lost: \(lost)")
        #expect(duplicated == 0, "\(duplicated) samples, exemplars or spans appear twice")
        print("""
            crash recovery: \(cycles) cycles, \(totalLost) lost; acknowledged: \(counts[.remoteWrite, default: 0]) remote-write \
            batches, \(counts[.otlpMetrics, default: 0]) OTLP metric exports, \(counts[.otlpTraces, default: 0]) OTLP trace \
            exports; \(duplicated) duplicated
            """)
        _ = try await pivot.stop()
    }

    /// Counts the acknowledged sequence numbers of `writer` missing from the samples or the exemplars of
    /// `metric`, and the samples or exemplars that appear twice.
    static func checkSamplesAndExemplars(
        _ pivot: PivotProcess, metric: String, writer: Int, acknowledged: Set<Int>, start: Double, end: Double
    ) async throws -> (lost: Int, duplicated: Int) {
        var lost = 0
        var duplicated = 0
        let selector = "\(metric){writer=\"\(writer)\"}"
        let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let data = try await fetchJSON(pivot.baseURL + "/api/v1/query?query=\(encoded)%5B3h%5D&time=\(end)") as! [String: Any]
        let result = data["result"] as! [[String: Any]]
        if !acknowledged.isEmpty && result.count != seriesPerBatch { lost += acknowledged.count * (seriesPerBatch - result.count) }
        for series in result {
            let values = series["values"] as! [[Any]]
            let timestamps = values.map { Int64((($0[0] as! Double) * 1000).rounded()) }
            duplicated += timestamps.count - Set(timestamps).count
            let stored = Set(values.map { Int(Double($0[1] as! String)!) })
            lost += acknowledged.subtracting(stored).count
        }
        let exemplarSelector = "\(metric){writer=\"\(writer)\",series=\"0\"}"
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let exemplarData = try await fetchJSON(
            pivot.baseURL + "/api/v1/query_exemplars?query=\(exemplarSelector)&start=\(start)&end=\(end)") as! [[String: Any]]
        let traces = exemplarData.flatMap { ($0["exemplars"] as! [[String: Any]]).map { ($0["labels"] as! [String: String])["trace_id"]! } }
        duplicated += traces.count - Set(traces).count
        lost += acknowledged.subtracting(Set(traces.compactMap { Self.sequence(ofTraceID: $0, writer: writer) })).count
        return (lost, duplicated)
    }

    /// The sequence number encoded in a trace id of `writer`, or nil for another writer's id.
    static func sequence(ofTraceID id: String, writer: Int) -> Int? {
        guard id.count == 32, UInt64(id.prefix(16), radix: 16) == UInt64(writer + 1),
            let sequence = UInt64(id.suffix(16), radix: 16)
        else { return nil }
        return Int(sequence) - 1
    }
}
