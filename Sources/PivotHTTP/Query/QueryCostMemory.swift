import Synchronization

/// How long recent queries took, by shape (text, range length, step), so a query known to be quick
/// can evaluate on its connection's event loop and one not known so runs on a thread of its own: a
/// long query on an event loop would hold up every connection served there. Dashboards repeat the
/// same queries, so after the first run most of theirs are known.
final class QueryCostMemory: Sendable {
    struct Shape: Hashable, Sendable {
        var query: String
        var range: Int64
        var step: Int64
    }

    /// A query whose last run took at most this long may evaluate on the event loop: another
    /// connection of that loop may wait this long behind it. Off the loop, a query of 2 to 5 ms took
    /// 15 to 25% longer end to end (the benchmark's 10k `range:rate` and `range:topk`).
    static let quickLimit: Duration = .milliseconds(5)
    /// Shapes remembered; past it the memory starts over (queries then run off the loop once more).
    static let capacity = 4_096

    private let lastRun = Mutex<[Shape: Duration]>([:])

    func isQuick(_ shape: Shape) -> Bool {
        lastRun.withLock { $0[shape] }.map { $0 <= Self.quickLimit } ?? false
    }

    func record(_ shape: Shape, took elapsed: Duration) {
        lastRun.withLock { runs in
            if runs.count >= Self.capacity, runs[shape] == nil { runs.removeAll(keepingCapacity: true) }
            runs[shape] = elapsed
        }
    }

    var count: Int { lastRun.withLock { $0.count } }
}
