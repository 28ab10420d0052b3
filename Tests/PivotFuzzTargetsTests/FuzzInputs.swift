import Foundation
import PivotFuzzTargets

/// The inputs the replay tests feed: the committed corpus and regressions of a target
/// (`fuzz/corpus/<target>`, `fuzz/regressions/<target>`) and the reference files that seed it at run
/// time (`../shared/reference`, when present).
enum FuzzInputs {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/reference`, found by walking up from the package root.
    static let reference: URL? = {
        var url = packageRoot
        while url.path != "/" {
            let candidate = url.appendingPathComponent("shared/reference")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return nil
    }()

    /// Regular files below `directory`, in path order; empty when it does not exist.
    static func files(in directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return enumerator.compactMap { $0 as? URL }
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.path < $1.path }
    }

    static func corpus(_ target: FuzzTarget) -> [URL] {
        files(in: packageRoot.appendingPathComponent("fuzz/corpus/\(target.rawValue)"))
    }

    static func regressions(_ target: FuzzTarget) -> [URL] {
        files(in: packageRoot.appendingPathComponent("fuzz/regressions/\(target.rawValue)"))
    }

    /// Reference files that seed `target` (the same the `make fuzz` script adds).
    static func referenceSeeds(_ target: FuzzTarget) -> [[UInt8]] {
        guard let reference else { return [] }
        func contents(_ urls: [URL]) -> [[UInt8]] { urls.compactMap { try? Array(Data(contentsOf: $0)) } }
        switch target {
        case .otlpJSON:
            return contents(files(in: reference.appendingPathComponent("otlp-examples")))
        case .testScript:
            return contents(files(in: reference.appendingPathComponent("promql-tests")).filter { $0.pathExtension == "test" })
        case .promql:
            // The query column of CASES.tsv: every expression of Prometheus's test scripts.
            guard let text = try? String(contentsOf: reference.appendingPathComponent("promql-tests/CASES.tsv"), encoding: .utf8)
            else { return [] }
            return text.split(separator: "\n").dropFirst(3).compactMap { line in
                line.split(separator: "\t", omittingEmptySubsequences: false).last.map { Array($0.utf8) }
            }
        default:
            return []
        }
    }
}
