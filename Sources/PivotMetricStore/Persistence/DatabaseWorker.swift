import Dispatch

/// Runs work on the writing connection on a dedicated serial queue, off Swift's cooperative thread
/// pool, so long SQLite transactions never block tasks.
final class DatabaseWorker: Sendable {
    let database: MetricDatabase
    private let queue = DispatchQueue(label: "pivot.metricstore.sqlite")

    init(database: MetricDatabase) {
        self.database = database
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (MetricDatabase) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self.database) })
            }
        }
    }
}
