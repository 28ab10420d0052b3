import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

/// Torn writes: a write-ahead log whose tail was cut or overwritten (a crash mid-write, a bad disk)
/// does not stop pivot: it starts, keeps every record before the damage, logs what it cut and counts
/// it in `pivot_wal_replay_truncated_bytes`.
@Suite(.serialized) struct TornWriteTests {
    enum Damage: CaseIterable { case cutInsideTheLastRecord, garbageAfterTheLastRecord, corruptLastRecord }

    static func batch(_ sequence: Int) -> WriteBatch {
        var batch = WriteBatch()
        for series in 0..<10 {
            batch.append(
                labels: Labels(["__name__": "torn", "series": String(series)]),
                samples: [Sample(timestamp: 1_700_000_000_000 + Int64(sequence) * 1000, value: Double(sequence))], exemplars: [])
        }
        return batch
    }

    static func newestSegment(_ storage: String) throws -> String {
        let wal = storage + "/metrics/wal"
        let names = try FileManager.default.contentsOfDirectory(atPath: wal).filter { $0.allSatisfy(\.isNumber) }.sorted()
        return wal + "/" + names.last!
    }

    @Test(arguments: Damage.allCases)
    func aDamagedLogTailIsCutLoggedAndCountedAndEverythingBeforeItStays(damage: Damage) async throws {
        // 30 batches, kill -9, damage the newest segment's tail: the restart keeps the first 29 batches at
        // least (all 30 when only garbage was appended), logs the cut, and reports the bytes in /metrics.
        let storage = PivotProcess.temporaryDirectory("pivot-torn")
        let pivot = try PivotProcess(storagePath: storage, extraArguments: ["--storage.wal-fsync=always"])
        try await pivot.waitUntilReady()
        let client = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
        for sequence in 0..<30 { #expect(try await client.send(Self.batch(sequence)).status == 204) }
        _ = try await pivot.stop(signal: SIGKILL)

        let segment = try Self.newestSegment(storage)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: segment))
        let size = try handle.seekToEnd()
        switch damage {
        case .cutInsideTheLastRecord:
            try handle.truncate(atOffset: size - 7)
        case .garbageAfterTheLastRecord:
            try handle.write(contentsOf: Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
        case .corruptLastRecord:
            try handle.seek(toOffset: size - 5)
            try handle.write(contentsOf: Data([0xde, 0xad, 0xbe, 0xef]))
        }
        try handle.close()

        let restarted = try PivotProcess(storagePath: storage)
        try await restarted.waitUntilReady()
        let data = try await fetchJSON(restarted.baseURL + "/api/v1/query?query=torn%7Bseries%3D%223%22%7D%5B1h%5D&time=1700000100") as! [String: Any]
        let values = ((data["result"] as! [[String: Any]]).first?["values"] as? [[Any]]) ?? []
        let kept = Set(values.map { Int(($0[1] as! String))! })
        let expected = damage == .garbageAfterTheLastRecord ? 30 : 29
        #expect(Set(0..<expected).isSubset(of: kept), "records before the damage were lost: kept \(kept.sorted())")
        let (_, metricsBody) = try await restarted.get("/metrics")
        let metrics = String(decoding: metricsBody, as: UTF8.self)
        let truncated = metrics.split(separator: "\n").first { $0.hasPrefix("pivot_wal_replay_truncated_bytes ") }
        let bytes = truncated.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(bytes > 0, "the cut is counted in pivot_wal_replay_truncated_bytes: \(truncated ?? "absent")")
        #expect(restarted.stderr.contains("cut a torn or corrupt tail"), "the cut is logged")
        // And the log takes new records after the cut.
        let after = RemoteWriteClient(url: restarted.baseURL + "/api/v1/write")
        #expect(try await after.send(Self.batch(40)).status == 204)
        _ = try await restarted.stop()
    }
}
