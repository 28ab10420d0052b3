import Foundation
import PivotModel
import PivotStorage
import Synchronization
import Testing
@testable import PivotTraceStore

/// Trace summaries appended since the last merge live in memory (`PendingTraces`) and are folded
/// into `traces` every `pendingTraceLimit` traces: reads must not depend on where a summary is.
@Suite struct TraceStorePendingTests {
    /// What a reader sees of the store: traces by id and several searches.
    struct View: Equatable {
        var traces: [[String]]
        var all: [String]
        var db: [String]
        var worker: [String]
        var slow: [String]
    }

    static func view(_ store: TraceStore) throws -> View {
        func line(_ s: TraceSummary) -> String {
            "\(s.traceID.last!) \(s.rootServiceName)/\(s.rootSpanName) +\((s.startTimeUnixNano - t0) / second)s \(s.durationNanos / 1_000_000)ms \(s.matched)"
        }
        return View(
            traces: try (1...6).map { n in try store.stored(UInt8(n))?.spans.map { "\($0.name)@\($0.spanID.last!)" } ?? [] },
            all: try store.searchTraces(TraceSearchQuery()).map(line),
            db: try store.searchTraces(TraceSearchQuery(serviceName: "db")).map(line),
            worker: try store.searchTraces(TraceSearchQuery(serviceName: "worker", limit: 1)).map(line),
            slow: try store.searchTraces(TraceSearchQuery(minDurationNanos: 900_000_000)).map(line))
    }

    static func scenario(limit: Int) async throws -> (View, View) {
        let directory = TemporaryDirectory()
        let first = try await withStore(directory, pendingTraceLimit: limit) { store in
            _ = try await store.append(batch(service: "db", [
                TestSpan(1, 2, parent: 1, "SELECT", start: 3, millis: 5),
                TestSpan(2, 1, "GET /a", start: 1, millis: 20), TestSpan(3, 1, "GET /b", start: 6, millis: 1_000, status: 2),
            ]))
            _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "GET /", start: 2, millis: 1_500), TestSpan(4, 1, "GET /c", start: 5, millis: 3)]))
            let retry = try await store.append(batch(service: "db", [TestSpan(1, 2, parent: 1, "SELECT", start: 3, millis: 5)]))
            #expect(retry == TraceAppendResult(spansWritten: 0, duplicateSpans: 1))
            _ = try await store.append(batch(service: "worker", [TestSpan(5, 1, "job", start: 4, millis: 7), TestSpan(3, 2, parent: 1, "work", start: 6, millis: 1)]))
            return try view(store)
        }
        let second = try await withStore(directory, pendingTraceLimit: limit) { store in
            // Reopened: summaries not merged before are rebuilt from their chunks.
            let (merged, waiting) = store.pending.withLock { ($0.mergedThrough, $0.count) }
            if limit <= 3 {
                #expect(merged > 0 && waiting < 5)
            } else {
                #expect(merged == 0 && waiting == 5)
            }
            _ = try await store.append(batch(service: "worker", [TestSpan(2, 2, parent: 1, "late", start: 9, millis: 1), TestSpan(6, 1, "new", start: 0, millis: 2)]))
            #expect(try await store.append(batch(service: "api", [TestSpan(1, 1, "GET /", start: 2, millis: 1_500)])).duplicateSpans == 1)
            return try view(store)
        }
        return (first, second)
    }

    @Test(arguments: [1, 2, 3, 20_000])
    func readsAreTheSameWhereverSummariesAre(limit: Int) async throws {
        let (first, second) = try await Self.scenario(limit: limit)
        #expect(first.traces == [["GET /@1", "SELECT@2"], ["GET /a@1"], ["GET /b@1", "work@2"], ["GET /c@1"], ["job@1"], []])
        #expect(first.all == ["3 db/GET /b +6s 1000ms 2", "4 api/GET /c +5s 3ms 1", "5 worker/job +4s 7ms 1", "1 api/GET / +2s 1500ms 2", "2 db/GET /a +1s 20ms 1"])
        #expect(first.db == ["3 db/GET /b +6s 1000ms 1", "1 api/GET / +2s 1500ms 1", "2 db/GET /a +1s 20ms 1"])
        #expect(first.worker == ["3 db/GET /b +6s 1000ms 1"])
        #expect(first.slow == ["3 db/GET /b +6s 1000ms 2", "1 api/GET / +2s 1500ms 2"])
        #expect(second.traces[1] == ["GET /a@1", "late@2"] && second.traces[5] == ["new@1"])
        #expect(second.all.first == "3 db/GET /b +6s 1000ms 2" && second.all.last == "6 worker/new +0s 2ms 1")
        #expect(second.slow.contains("2 db/GET /a +1s 8001ms 2"))
        #expect(second.db.last == "2 db/GET /a +1s 8001ms 1")
        let (baseline, baselineSecond) = try await Self.scenario(limit: 1_000_000)
        #expect(first == baseline)
        #expect(second == baselineSecond)
    }
}
