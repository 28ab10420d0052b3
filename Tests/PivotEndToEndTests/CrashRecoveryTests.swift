import Foundation
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

@Suite(.serialized) struct CrashRecoveryTests {
    static let seriesPerBatch = 20
    static let writers = 4
    static let stepMilliseconds: Int64 = 100

    static func batch(writer: Int, sequence: Int, base: Int64) -> WriteBatch {
        var batch = WriteBatch()
        let timestamp = base + Int64(sequence) * stepMilliseconds
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

    static func traceID(writer: Int, sequence: Int) -> String {
        String(format: "%016x%016x", writer + 1, sequence)
    }

    @Test func everyAcknowledgedSampleAndExemplarSurvivesKillNine() async throws {
        // Writers remote-write concurrently while pivot is killed with SIGKILL at random moments, ten
        // times; after a restart every acknowledged sample and exemplar is there, none twice.
        let cycles = Int(ProcessInfo.processInfo.environment["PIVOT_CRASH_CYCLES"] ?? "") ?? 10
        let storage = PivotProcess.temporaryDirectory("pivot-crash")
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 2 * 3_600_000
        let log = AcknowledgementLog()
        let nextSequence = try await KillNineCycles.run(storage: storage, cycles: cycles, writers: Self.writers, log: log) {
            pivot, writer, sequence in
            let client = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
            guard let response = try? await client.send(Self.batch(writer: writer, sequence: sequence, base: base), timeout: 5) else {
                return nil
            }
            return response.status == 204
        }

        let pivot = try PivotProcess(storagePath: storage)
        try await pivot.waitUntilReady()
        let acknowledged = log.snapshot
        #expect(acknowledged.values.map(\.count).reduce(0, +) > cycles, "too few writes were acknowledged to test anything")
        let end = (Double(base) + Double(nextSequence.max()! + 1) * Double(Self.stepMilliseconds)) / 1000
        var lost = 0
        for writer in 0..<Self.writers {
            let query = "crash_test%7Bwriter%3D%22\(writer)%22%7D%5B3h%5D"
            let data = try await fetchJSON(pivot.baseURL + "/api/v1/query?query=\(query)&time=\(end)") as! [String: Any]
            let result = data["result"] as! [[String: Any]]
            for series in result {
                let values = series["values"] as! [[Any]]
                let timestamps = values.map { Int64((($0[0] as! Double) * 1000).rounded()) }
                #expect(Set(timestamps).count == timestamps.count, "a sample appears twice")
                let stored = Set(values.map { Int(($0[1] as! String))! })
                lost += acknowledged[writer, default: []].subtracting(stored).count
            }
            #expect(result.count == (acknowledged[writer]?.isEmpty == false ? Self.seriesPerBatch : result.count))
            let exemplarsQuery = "crash_test%7Bwriter%3D%22\(writer)%22%2Cseries%3D%220%22%7D"
            let exemplarData = try await fetchJSON(
                pivot.baseURL + "/api/v1/query_exemplars?query=\(exemplarsQuery)&start=\(Double(base) / 1000 - 1)&end=\(end)") as! [[String: Any]]
            let traces = Set(exemplarData.flatMap { ($0["exemplars"] as! [[String: Any]]).map { ($0["labels"] as! [String: String])["trace_id"]! } })
            for sequence in acknowledged[writer, default: []] where !traces.contains(Self.traceID(writer: writer, sequence: sequence)) {
                lost += 1
            }
        }
        #expect(lost == 0, "\(lost) acknowledged samples or exemplars were lost")
        print("crash recovery: \(cycles) cycles, \(acknowledged.values.map(\.count).reduce(0, +)) acknowledged batches, \(lost) lost")
        _ = try await pivot.stop()
    }
}
