import Foundation
import Logging
import PivotMetricStore
import PivotPromQLTesting
import Testing

@Suite struct StoreConformanceTests {
    /// The fewest cases that must pass over the real store; raised as the engine improves.
    static let minimumPassed = 873

    static func scriptsDirectory() -> URL? {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("shared/reference/promql-tests")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return nil
    }

    @Test func prometheusScriptsPassOverTheMetricStore() async throws {
        // Prometheus's own PromQL scripts give the same results over the SQLite-backed store as the engine
        // is required to give: every core case but the one that needs native histograms.
        let directory = try #require(Self.scriptsDirectory())
        let index = try CaseIndex(contentsOf: directory.appendingPathComponent("CASES.tsv"))
        let root = NSTemporaryDirectory() + "pivot-conformance-\(UUID().uuidString)"
        let runner = ConformanceRunner(caseIndex: index) {
            let options = MetricStoreOptions.keepingEverything(path: root + "/" + UUID().uuidString)
            var logger = Logger(label: "conformance")
            logger.logLevel = .warning
            return try await MetricStore.open(options: options, logger: logger)
        }
        let report = try await runner.runDirectory(directory)
        print(report.table)
        #expect(report.passed >= Self.minimumPassed)
        try? FileManager.default.removeItem(atPath: root)
    }
}
