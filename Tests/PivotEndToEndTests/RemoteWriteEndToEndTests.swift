import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

@Suite(.serialized) struct RemoteWriteEndToEndTests {
    static func batch(metric: String, series: Int, timestamp: Int64, value: Double, exemplarEvery: Int = 0) -> WriteBatch {
        var batch = WriteBatch()
        for index in 0..<series {
            var exemplars: [Exemplar] = []
            if exemplarEvery > 0, index % exemplarEvery == 0 {
                let trace = String(format: "%032x", index + 1)
                exemplars = [Exemplar(labels: Labels(["trace_id": trace, "span_id": String(format: "%016x", index + 1)]),
                                      value: value, timestamp: timestamp)]
            }
            batch.append(
                labels: Labels(["__name__": metric, "instance": "host-\(index)", "job": "e2e"]),
                samples: [Sample(timestamp: timestamp, value: value)], exemplars: exemplars)
        }
        return batch
    }

    @Test(arguments: [RemoteWriteVersion.v1, .v2])
    func writesAreListedAndSurviveARestart(version: RemoteWriteVersion) async throws {
        // Series written over remote-write are listed by /api/v1/series, also after a clean restart.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        let client = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write", version: version)
        for round in 0..<3 {
            let response = try await client.send(Self.batch(
                metric: "e2e_metric", series: 20, timestamp: now + Int64(round) * 15_000, value: Double(round), exemplarEvery: 5))
            #expect(response.status == 204, "\(response.body)")
            if version == .v2 {
                #expect(response.headers["x-prometheus-remote-write-samples-written"] == "20")
                #expect(response.headers["x-prometheus-remote-write-exemplars-written"] == "4")
            }
        }
        let before = try await fetchJSON(pivot.baseURL + "/api/v1/series?match[]=e2e_metric") as! [[String: String]]
        #expect(before.count == 20)
        let status = try await fetchJSON(pivot.baseURL + "/api/v1/status/tsdb") as! [String: Any]
        #expect((status["headStats"] as? [String: Any])?["numSeries"] as? Int == 20)
        let byMetric = status["seriesCountByMetricName"] as? [[String: Any]]
        #expect(byMetric?.first?["name"] as? String == "e2e_metric")
        _ = try await pivot.stop()

        let restarted = try PivotProcess(storagePath: pivot.storagePath)
        try await restarted.waitUntilReady()
        let after = try await fetchJSON(restarted.baseURL + "/api/v1/series?match[]=e2e_metric") as! [[String: String]]
        #expect(Set(after) == Set(before))
        _ = try await restarted.stop()
    }

    @Test func outOfOrderAndConflictingSamplesAre400ExactRetriesAre204() async throws {
        // A retry of the same samples is accepted; an older sample or a different value at the same time is 400.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let pivot = try PivotProcess()
        try await pivot.waitUntilReady()
        let client = RemoteWriteClient(url: pivot.baseURL + "/api/v1/write")
        let first = Self.batch(metric: "ooo_metric", series: 3, timestamp: now, value: 1)
        #expect(try await client.send(first).status == 204)
        #expect(try await client.send(first).status == 204)
        let conflicting = try await client.send(Self.batch(metric: "ooo_metric", series: 3, timestamp: now, value: 2))
        #expect(conflicting.status == 400)
        #expect(conflicting.body.contains("ooo_metric"))
        let older = try await client.send(Self.batch(metric: "ooo_metric", series: 3, timestamp: now - 60_000, value: 1))
        #expect(older.status == 400)
        #expect(older.body.contains("out of order"))
        _ = try await pivot.stop()
    }
}
