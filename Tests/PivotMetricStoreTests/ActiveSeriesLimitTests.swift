import Foundation
import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: the active-series limit")
struct ActiveSeriesLimitTests {
    static func series(_ index: Int, at timestamp: Int64) -> (Labels, [Sample]) {
        (StoreTest.labels(["__name__": "limited", "n": String(index)]), [Sample(timestamp: timestamp, value: 1)])
    }

    @Test("a batch that would pass the limit is refused naming it; existing series keep taking samples")
    func newSeriesPastTheLimitAreRefused() async throws {
        // With a limit of 5, five series are created; a batch with a sixth is refused whole as
        // limitExceeded (not retryable) and stores nothing; the five keep accepting samples, also after
        // a restart (recovery counts restored series).
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let limit: (inout MetricStoreOptions) -> Void = { $0.maxActiveSeries = 5 }
        var store = try await StoreTest.open(directory, limit)
        _ = try await StoreTest.write(store, StoreTest.batch((0..<5).map { Self.series($0, at: 1000) }))
        await #expect {
            try await StoreTest.write(store, StoreTest.batch([Self.series(0, at: 2000), Self.series(5, at: 2000)]))
        } throws: { error in
            guard let error = error as? AppendError else { return false }
            return error.code == .limitExceeded && !error.code.isRetryable
                && error.message.contains("--storage.max-active-series") && error.message.contains("5")
        }
        #expect(try StoreTest.everything(store).count == 5)
        _ = try await StoreTest.write(store, StoreTest.batch((0..<5).map { Self.series($0, at: 3000) }))
        await store.close()

        store = try await StoreTest.open(directory, limit)
        #expect(store.head.budget.current == 5)
        await #expect(throws: AppendError.self) {
            try await StoreTest.write(store, StoreTest.batch([Self.series(6, at: 4000)]))
        }
        _ = try await StoreTest.write(store, StoreTest.batch((0..<5).map { Self.series($0, at: 4000) }))
        #expect(try StoreTest.everything(store).allSatisfy { $0.samples.count == 3 })
        await store.close()
    }
}
