import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PivotModel
import PivotRemoteWrite
import Testing

/// A small tmpfs for storage, mounted for one test and unmounted after; nil where mounting is not
/// permitted (the test needs root, as `make test` has on the CI machine).
struct SmallFilesystem {
    let path: String

    init?(megabytes: Int) {
        path = PivotProcess.temporaryDirectory("pivot-tmpfs")
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil else { return nil }
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { return nil }
    }

    static var canMount: Bool {
        guard let probe = SmallFilesystem(megabytes: 1) else { return false }
        probe.unmount()
        return true
    }

    /// Fills the free space with one file; returns its path.
    func fill() throws -> String {
        let filler = path + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(repeating: 0x55, count: 1 << 16)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        return filler
    }

    func unmount() {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = ["-l", path]
        try? umount.run()
        umount.waitUntilExit()
    }
}

/// Disk full: with storage on a small tmpfs filled during ingest, writes fail with retryable errors,
/// reads keep working and nothing is corrupted; once space is freed ingestion resumes by itself, and a
/// restart finds every acknowledged write.
@Suite(.serialized, .enabled(if: SmallFilesystem.canMount, "needs permission to mount a tmpfs (root)"))
struct DiskFullTests {
    static func batch(sequence: Int, base: Int64) -> WriteBatch {
        var batch = WriteBatch()
        for series in 0..<50 {
            batch.append(
                labels: Labels(["__name__": "disk_full", "series": String(series)]),
                samples: [Sample(timestamp: base + Int64(sequence) * 1000, value: Double(sequence))],
                exemplars: series == 0
                    ? [Exemplar(labels: Labels(["trace_id": String(format: "%032x", sequence + 1)]), value: 1, timestamp: base + Int64(sequence) * 1000)]
                    : [])
        }
        return batch
    }

    static func traceBody(sequence: Int) -> Data {
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let json = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"disk"}}]},"scopeSpans":[{"spans":[{"traceId":"\#(String(format: "%032x", 0xd15c0000 + sequence))","spanId":"0000000000000001","name":"op","kind":2,"startTimeUnixNano":"\#(now)","endTimeUnixNano":"\#(now + 1000)"}]}]}]}"#
        return Data(json.utf8)
    }

    @Test func aFullDiskRefusesWritesRetryablyKeepsReadsAndRecoversByItself() async throws {
        // Fill the storage filesystem mid-ingest: writes answer 503 (retryable), queries still answer, and
        // after the filler is deleted writes are acknowledged again without a restart; a restart then
        // finds every acknowledged sample, exemplar and span.
        let filesystem = try #require(SmallFilesystem(megabytes: 48))
        defer { filesystem.unmount() }
        let storage = filesystem.path + "/data"
        let pivot = try PivotProcess(storagePath: storage, extraArguments: ["--storage.wal-fsync=always"])
        try await pivot.waitUntilReady()
        let client = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        var acknowledged: Set<Int> = []
        var acknowledgedTraces: Set<Int> = []
        var sequence = 0

        func send() async throws -> (Int, Int) {
            let status = try await client.send(Self.batch(sequence: sequence, base: base), timeout: 10).status
            if status == 204 { acknowledged.insert(sequence) }
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(pivot.otlpHTTPPort)/v1/traces")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Self.traceBody(sequence: sequence)
            let (_, response) = try await URLSession.shared.data(for: request)
            let traceStatus = (response as! HTTPURLResponse).statusCode
            if traceStatus == 200 { acknowledgedTraces.insert(sequence) }
            sequence += 1
            return (status, traceStatus)
        }

        for _ in 0..<20 { _ = try await send() }
        #expect(acknowledged.count == 20)

        let filler = try filesystem.fill()
        var refusedStatuses: [Int: Int] = [:]
        for _ in 0..<40 {
            let (status, traceStatus) = try await send()
            for answer in [status, traceStatus] where answer != 204 && answer != 200 { refusedStatuses[answer, default: 0] += 1 }
        }
        #expect(!refusedStatuses.isEmpty, "a full disk refused nothing")
        #expect(refusedStatuses.keys.allSatisfy { $0 == 503 }, "a full disk must answer 503 (retryable), got \(refusedStatuses)")
        let (readStatus, _) = try await pivot.get("/api/v1/query?query=count(disk_full)")
        #expect(readStatus == 200, "reads keep working on a full disk")
        let (healthy, _) = try await pivot.get("/-/healthy")
        #expect(healthy == 200)

        try FileManager.default.removeItem(atPath: filler)
        var recovered = false
        for _ in 0..<100 where !recovered {
            let (status, traceStatus) = try await send()
            recovered = status == 204 && traceStatus == 200
            if !recovered { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(recovered, "ingestion did not resume after space was freed")
        for _ in 0..<10 { _ = try await send() }

        _ = try await pivot.stop()
        let restarted = try PivotProcess(storagePath: storage)
        try await restarted.waitUntilReady()
        let end = Double(base + Int64(sequence) * 1000) / 1000
        let data = try await fetchJSON(restarted.baseURL + "/api/v1/query?query=disk_full%7Bseries%3D%220%22%7D%5B2h%5D&time=\(end)") as! [String: Any]
        let values = ((data["result"] as! [[String: Any]]).first?["values"] as? [[Any]]) ?? []
        let stored = Set(values.map { Int(($0[1] as! String))! })
        #expect(acknowledged.isSubset(of: stored), "lost after the disk was full: \(acknowledged.subtracting(stored).sorted())")
        let exemplars = try await fetchJSON(
            restarted.baseURL + "/api/v1/query_exemplars?query=disk_full%7Bseries%3D%220%22%7D&start=\(Double(base) / 1000 - 1)&end=\(end)") as! [[String: Any]]
        let traceIDs = Set(exemplars.flatMap { ($0["exemplars"] as! [[String: Any]]).map { ($0["labels"] as! [String: String])["trace_id"]! } })
        #expect(acknowledged.allSatisfy { traceIDs.contains(String(format: "%032x", $0 + 1)) }, "acknowledged exemplars lost")
        for trace in acknowledgedTraces {
            let (status, _) = try await restarted.get("/api/traces/\(String(format: "%032x", 0xd15c0000 + trace))")
            #expect(status == 200, "acknowledged trace \(trace) lost")
        }
        print("disk full: \(acknowledged.count) batches and \(acknowledgedTraces.count) traces acknowledged, refusals \(refusedStatuses), all there after a restart")
        _ = try await restarted.stop()
    }
}
