import Synchronization

/// A readers-writer gate for async code. Commits pass it shared, from before their write-ahead log
/// append until their data is in the head; a checkpoint (cutting the log and snapshotting the head)
/// and retention (removing series) pass it exclusively, so they see no commit half done. A waiting
/// exclusive user holds back new shared users, so it cannot starve.
final class CommitGate: Sendable {
    private struct State {
        var shared = 0
        var exclusive = false
        var exclusiveWaiters: [CheckedContinuation<Void, Never>] = []
        var sharedWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func enterShared() async {
        let entered = state.withLock { state in
            guard !state.exclusive && state.exclusiveWaiters.isEmpty else { return false }
            state.shared += 1
            return true
        }
        if entered { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if !state.exclusive && state.exclusiveWaiters.isEmpty {
                    state.shared += 1
                    return true
                }
                state.sharedWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func leaveShared() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.shared -= 1
            guard state.shared == 0, !state.exclusiveWaiters.isEmpty else { return nil }
            state.exclusive = true
            return state.exclusiveWaiters.removeFirst()
        }
        next?.resume()
    }

    func enterExclusive() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.shared == 0 && !state.exclusive {
                    state.exclusive = true
                    return true
                }
                state.exclusiveWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func leaveExclusive() {
        let (nextExclusive, sharedWaiters) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            if !state.exclusiveWaiters.isEmpty {
                return (state.exclusiveWaiters.removeFirst(), [])
            }
            state.exclusive = false
            let waiters = state.sharedWaiters
            state.sharedWaiters = []
            state.shared += waiters.count
            return (nil, waiters)
        }
        nextExclusive?.resume()
        for waiter in sharedWaiters { waiter.resume() }
    }
}

/// A mutual-exclusion lock for async code (FIFO), for maintenance work that awaits while it holds it.
final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if !state.locked {
                    state.locked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    func withLock<R: Sendable>(_ body: () async throws -> R) async rethrows -> R {
        await lock()
        defer { unlock() }
        return try await body()
    }
}
