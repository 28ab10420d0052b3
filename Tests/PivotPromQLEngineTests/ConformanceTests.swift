import Foundation
import PivotPromQLEngine
import PivotPromQLTesting
import PivotStorage
import Testing

/// The directory of Prometheus's test scripts, found by walking up from this file to `shared`.
func promqlTestsDirectory() -> URL? {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
        let candidate = url.appendingPathComponent("shared/reference/promql-tests")
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        url.deleteLastPathComponent()
    }
    return nil
}

@Suite struct ConformanceTests {
    /// The fewest cases that must pass over MemoryStore; raised as the engine improves (never lowered).
    static let minimumPassed = 873

    @Test func prometheusScriptsPassOverTheMemoryStoreWithoutRegression() async throws {
        // Every script runs against a fresh MemoryStore and at least `minimumPassed` cases pass.
        let directory = try #require(promqlTestsDirectory())
        let index = try CaseIndex(contentsOf: directory.appendingPathComponent("CASES.tsv"))
        let runner = ConformanceRunner(caseIndex: index) { MemoryStore() }
        let report = try await runner.runDirectory(directory)
        print(report.table)
        if ProcessInfo.processInfo.environment["PROMQL_CONFORMANCE_FAILURES"] != nil {
            for file in report.files { for failure in file.failures { print(failure) } }
        }
        #expect(report.passed >= Self.minimumPassed)
    }
}
