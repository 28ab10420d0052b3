import Synchronization
import Testing

@testable import PivotHTTP

/// `--query.max-concurrency` and the one query that may evaluate on its request's task.
@Suite struct QueryGateTests {
    final class Counts: Sendable {
        let running = Atomic<Int>(0)
        let most = Atomic<Int>(0)
    }

    @Test("no more than the limit run at once; the others wait and all finish")
    func limit() async throws {
        let gate = QueryGate(limit: 2)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await gate.run {
                        let now = counts.running.add(1, ordering: .relaxed).newValue
                        _ = counts.most.max(now, ordering: .relaxed)
                        try await Task.sleep(for: .milliseconds(20))
                        counts.running.subtract(1, ordering: .relaxed)
                        return index
                    }
                }
            }
            var finished = 0
            for try await _ in group { finished += 1 }
            #expect(finished == 8)
        }
        #expect(counts.most.load(ordering: .relaxed) == 2)
    }

    @Test("a slot taken without waiting counts against the limit; a queued query gets it once left")
    func slotWithoutWaiting() async throws {
        let gate = QueryGate(limit: 1)
        #expect(gate.tryEnter())
        #expect(!gate.tryEnter())
        let waiting = Task { try await gate.run { 7 } }
        try await Task.sleep(for: .milliseconds(20))
        gate.leave()
        #expect(try await waiting.value == 7)
        #expect(gate.tryEnter())
        gate.leave()
    }

    @Test("one inline slot, free again once released")
    func inlineSlot() {
        let gate = QueryGate(limit: 20)
        #expect(gate.claimInline())
        #expect(!gate.claimInline())
        gate.releaseInline()
        #expect(gate.claimInline())
        gate.releaseInline()
    }
}
