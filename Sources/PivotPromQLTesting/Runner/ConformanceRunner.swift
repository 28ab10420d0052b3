import Foundation
import PivotModel
import PivotPromQL
import PivotPromQLEngine
import PivotStorage

/// Runs Prometheus's `promqltest` scripts against the engine over any store.
///
/// Every file starts with a fresh store from `makeStore`, and so does every `clear`. A case is skipped
/// only when `CASES.tsv` gives it one of `skippedTags`; every other case either passes or fails.
public struct ConformanceRunner: Sendable {
    public typealias StoreFactory = @Sendable () async throws -> any Appendable & Queryable

    /// The tags of features this engine does not implement (native histograms, experimental features).
    public static let defaultSkippedTags: [String] = [
        "native_histograms", "histogram_in_expected_output", "nhcb", "load_with_nhcb_conversion",
        "experimental_functions", "experimental_aggregators", "duration_expressions", "extended_range_selectors",
        "binop_fill_modifiers", "start_timestamps", "type_and_unit_labels",
    ]

    /// The engine settings the scripts' expected values assume (README §7).
    public static let scriptEngineOptions = EngineOptions(
        lookbackDelta: 300_000, defaultSubqueryStep: 60_000, delayedNameRemoval: true,
        parserOptions: .allFeatures)

    public var makeStore: StoreFactory
    public var engineOptions: EngineOptions
    public var skippedTags: [String]
    public var caseIndex: CaseIndex

    public init(
        caseIndex: CaseIndex, engineOptions: EngineOptions = ConformanceRunner.scriptEngineOptions,
        skippedTags: [String] = ConformanceRunner.defaultSkippedTags, makeStore: @escaping StoreFactory
    ) {
        self.caseIndex = caseIndex
        self.engineOptions = engineOptions
        self.skippedTags = skippedTags
        self.makeStore = makeStore
    }

    /// Runs every `*.test` file in `directory` (sorted by name).
    public func runDirectory(_ directory: URL) async throws -> ConformanceReport {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".test") }.sorted()
        var report = ConformanceReport()
        for name in names {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            report.files.append(try await run(script: PromQLTestScript(parsing: text), file: name))
        }
        return report
    }

    /// Runs one parsed script.
    public func run(script: PromQLTestScript, file: String) async throws -> ConformanceReport.FileResult {
        var result = ConformanceReport.FileResult(file: file)
        var store = try await makeStore()
        for command in script.commands {
            switch command {
            case .clear:
                store = try await makeStore()
            case .load(let load):
                try await Self.load(load, into: store)
            case .invalid(let line, let message):
                result.failures.append(.init(file: file, line: line, query: "", reason: "script error: \(message)"))
            case .eval(let eval):
                if let tag = caseIndex.tags(file: file, line: eval.line).first(where: skippedTags.contains) {
                    result.skipped[tag, default: 0] += 1
                    continue
                }
                let engine = Engine(queryable: store, options: engineOptions)
                if let reason = CaseCheck(engine: engine, eval: eval).run() {
                    result.failures.append(.init(file: file, line: eval.line, query: eval.query, reason: reason))
                } else {
                    result.passed += 1
                }
            }
        }
        return result
    }

    static func load(_ load: PromQLTestScript.Load, into store: any Appendable) async throws {
        var batch = WriteBatch()
        for (labels, values) in load.series {
            var samples: [Sample] = []
            for (i, item) in values.enumerated() {
                if case .value(let value) = item {
                    samples.append(Sample(timestamp: Int64(i) * load.interval, value: value))
                }
            }
            batch.append(labels: labels, samples: samples)
        }
        let appender = store.appender()
        _ = try appender.append(batch)
        try await appender.commit()
    }
}
