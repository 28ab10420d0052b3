import Foundation
import PivotPromQL
import Testing

/// The deploy files cannot run here (no Docker engine), so they are validated: `deploy/validate.py`
/// parses every YAML and JSON file, checks flags, ports, paths and data source uids against the real
/// `pivot serve --help`, and every dashboard query must parse with Pivot's own PromQL parser.
@Suite struct DeployFilesTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func validate(_ extra: [String]) throws -> (Int32, String, String) {
        var arguments = [repository.path + "/deploy/validate.py", PivotProcess.binaryPath, "--repo", repository.path]
        if !FileManager.default.fileExists(atPath: repository.path + "/demo") { arguments += ["--allow-missing", "demo"] }
        let run = try PythonRun.run(arguments + extra)
        return (run.status, run.output, run.errors)
    }

    @Test func deployFilesAndDashboardsAreConsistentWithTheBinary() throws {
        // Flags, ports, PIVOT_* variables, referenced files and data source uids all check out.
        let (status, output, errors) = try Self.validate([])
        #expect(status == 0, "\(output)\n\(errors)")
    }

    @Test func everyDashboardQueryParsesWithPivotsParser() throws {
        // Each PromQL expression of the dashboards (template variables substituted) parses.
        let (status, output, errors) = try Self.validate(["--print-exprs"])
        #expect(status == 0, "\(errors)")
        var count = 0
        for line in output.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let promql = object["promql"] as? String
            else { continue }
            count += 1
            #expect(throws: Never.self, "\(object["file"] ?? "") panel \(object["panel"] ?? ""): \(promql)") {
                _ = try parseExpr(promql)
            }
        }
        #expect(count >= 20)
    }
}
