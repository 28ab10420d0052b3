import Synchronization

/// Lets at most `limit` queries evaluate at once; the others wait in order.
final class QueryGate: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let limit: Int
    private let state = Mutex(State())
    private let inlineRunning = Atomic<Bool>(false)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    /// Claims the one slot for a query that evaluates on its request's task, on its connection's event
    /// loop, instead of a thread of its own (two thread hand-offs fewer, most of a small query's time).
    /// Only queries known to be quick ask (`QueryCostMemory`), and one at a time.
    func claimInline() -> Bool {
        inlineRunning.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    func releaseInline() {
        inlineRunning.store(false, ordering: .releasing)
    }

    /// Takes a slot if one is free at once, without waiting; `leave()` gives it back.
    func tryEnter() -> Bool {
        state.withLock { state -> Bool in
            guard state.running < limit else { return false }
            state.running += 1
            return true
        }
    }

    private func enter() async {
        // The common case takes a slot without suspending: a continuation resumed at once still
        // re-enqueues the task on the global executor, a thread hop per query.
        if tryEnter() { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state -> Bool in
                if state.running < limit {
                    state.running += 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
