// Runs Prometheus's PromQL test scripts against the engine over the real metric store and prints the
// per-file table (`make conformance`). Usage: pivot-conformance [DIRECTORY]
// (default ../shared/reference/promql-tests).
import Foundation
import Logging
import PivotMetricStore
import PivotPromQLTesting

let directory = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "../shared/reference/promql-tests")
let root = NSTemporaryDirectory() + "pivot-conformance-\(UUID().uuidString)"
defer { try? FileManager.default.removeItem(atPath: root) }

do {
    let index = try CaseIndex(contentsOf: directory.appendingPathComponent("CASES.tsv"))
    let runner = ConformanceRunner(caseIndex: index) {
        let options = MetricStoreOptions.keepingEverything(path: root + "/" + UUID().uuidString)
        var logger = Logger(label: "conformance")
            logger.logLevel = .warning
            return try await MetricStore.open(options: options, logger: logger)
    }
    let report = try await runner.runDirectory(directory)
    print(report.table)
    if ProcessInfo.processInfo.environment["SHOW_FAILURES"] != nil {
        for file in report.files { for failure in file.failures { print(failure) } }
    }
} catch {
    FileHandle.standardError.write(Data("pivot-conformance: \(error)\n".utf8))
    exit(1)
}
