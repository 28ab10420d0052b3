import Foundation
import PivotModel
import PivotOTLP
import Testing

/// Golden cases for the OTLP → Prometheus translation: `Golden/<case>.json` is an OTLP/JSON export
/// (several, `<case>.1.json`, `<case>.2.json`, …, sent in order to one translator), and
/// `Golden/<case>.expected` the series, samples, native histograms, exemplars, metadata and
/// rejections it must produce, one per line, sorted. `PIVOT_UPDATE_GOLDEN=1` rewrites the expected
/// files; review every change against `docs/otlp.md` before committing it.
///
/// Line format (`GoldenRendering`): a series is `{name="value",…}` (labels sorted) followed by its
/// samples ` @<ms> <value>` (`stale` for the stale-marker NaN, `NaN` for any other NaN), native
/// histograms ` @<ms> histogram schema=… sum=… zero_threshold=… count=… zero=… positive=[spans][deltas]
/// negative=[spans][deltas]` (` start=<ms>` when set) and exemplars ` exemplar{labels} <value> @<ms>`;
/// metadata is `metadata <name> <type> help="…" unit="…"`. After each request's sorted lines comes
/// `rejected <points>: <partial_success message>` if any point was rejected; with several requests
/// every line is prefixed `[<request number>] `.
@Suite struct OTLPGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Options per case (the default translation otherwise).
    static let options: [String: OTLPTranslationOptions] = [
        "promote_scope": OTLPTranslationOptions(promoteResourceAttributes: ["deployment.environment", "cloud.region"], scopeLabels: .on),
        "strategy_utf8": OTLPTranslationOptions(strategy: .noUTF8EscapingWithSuffixes),
        "strategy_none": OTLPTranslationOptions(strategy: .noTranslation),
        "strategy_nosuffix": OTLPTranslationOptions(strategy: .underscoreEscapingWithoutSuffixes),
        "delta_off": OTLPTranslationOptions(deltaConversion: .reject),
        "utf8_suffixes": OTLPTranslationOptions(strategy: .noUTF8EscapingWithSuffixes),
        "resource_edges": OTLPTranslationOptions(scopeLabels: .on),
        "scope_attributes": OTLPTranslationOptions(scopeLabels: .on),
    ]

    static var cases: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(files.filter { $0.hasSuffix(".json") }.map { name in
            let base = String(name.dropLast(5))
            if let dot = base.lastIndex(of: "."), Int(base[base.index(after: dot)...]) != nil { return String(base[..<dot]) }
            return base
        }).sorted()
    }

    @Test func everyGoldenCaseHasAnExpectedFile() {
        // The folder is found and holds the cases, each with its `.expected` file (so the
        // parameterized test below cannot pass by running on nothing).
        #expect(Self.cases.count >= 24, "\(Self.cases)")
        for name in Self.cases {
            #expect(FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent("\(name).expected").path), "\(name)")
        }
    }

    @Test(arguments: cases)
    func translationMatchesTheGoldenFile(_ name: String) throws {
        // The case's exports translate to exactly the expected series, samples, exemplars, metadata and rejections.
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0 == "\(name).json" || ($0.hasPrefix("\(name).") && $0.hasSuffix(".json") && Int($0.dropFirst(name.count + 1).dropLast(5)) != nil) }
            .sorted()
        let translator = OTLPMetricsTranslator(options: Self.options[name] ?? OTLPTranslationOptions())
        var lines: [String] = []
        for (index, file) in files.enumerated() {
            let body = try Data(contentsOf: Self.directory.appendingPathComponent(file))
            let request = try OTLPMetricsJSONDecoder().decode(Array(body))
            let result = translator.translate(request, now: 1_700_000_000_000)
            let prefix = files.count > 1 ? "[\(index + 1)] " : ""
            lines += GoldenRendering.lines(result.batch).map { prefix + $0 }
            if result.rejectedDataPoints > 0 {
                lines.append(prefix + "rejected \(result.rejectedDataPoints): \(result.errorMessage)")
            }
        }
        let rendered = lines.joined(separator: "\n") + "\n"
        let expectedURL = Self.directory.appendingPathComponent("\(name).expected")
        if ProcessInfo.processInfo.environment["PIVOT_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        let diff = GoldenRendering.difference(expected: expected, actual: rendered)
        if !diff.isEmpty { Issue.record("\(name): expected (-) vs translated (+):\n\(diff)") }
    }

    @Test func theSpecificationsMetricsExampleTranslates() throws {
        // ../shared/reference/otlp-examples/metrics.json (all delta, one point each, so cumulative =
        // delta): the counter gets `_total` and no unit word for unit "1", the gauge `_ratio`, the
        // histogram `_bucket`/`_sum`/`_count`, the exponential histogram one native histogram
        // (OTLP bucket 2 at scale 0 is Prometheus bucket 3); job from service.name, no instance, no
        // target_info (only service attributes) and no scope labels (off by default).
        let request = try OTLPMetricsJSONDecoder().decode(Array(try Self.specificationExample()))
        let result = OTLPMetricsTranslator().translate(request, now: 0)
        let at = "@1544712660300"
        let expected = [
            #"metadata my_counter_total counter help="I am a Counter" unit="""#,
            #"metadata my_exponential_histogram histogram help="I am an Exponential Histogram" unit="""#,
            #"metadata my_gauge_ratio gauge help="I am a Gauge" unit="""#,
            #"metadata my_histogram histogram help="I am a Histogram" unit="""#,
            #"{__name__="my_counter_total",job="my.service",my_counter_attr="some value"} \#(at) 5"#,
            #"{__name__="my_exponential_histogram",job="my.service",my_exponential_histogram_attr="some value"} \#(at) histogram schema=0 sum=10 zero_threshold=1e-128 count=3 zero=1 positive=["3:1"][2] negative=[][] start=1544712660300"#,
            #"{__name__="my_gauge_ratio",job="my.service",my_gauge_attr="some value"} \#(at) 10"#,
            #"{__name__="my_histogram_bucket",job="my.service",le="+Inf",my_histogram_attr="some value"} \#(at) 2"#,
            #"{__name__="my_histogram_bucket",job="my.service",le="1",my_histogram_attr="some value"} \#(at) 1"#,
            #"{__name__="my_histogram_count",job="my.service",my_histogram_attr="some value"} \#(at) 2"#,
            #"{__name__="my_histogram_sum",job="my.service",my_histogram_attr="some value"} \#(at) 2"#,
        ]
        let lines = GoldenRendering.lines(result.batch)
        #expect(lines == expected, "\(GoldenRendering.difference(expected: expected.joined(separator: "\n"), actual: lines.joined(separator: "\n")))")
        #expect(result.rejectedDataPoints == 0, "\(result.errorMessage)")
    }

    @Test func theSpecificationsMetricsExampleCarriesItsScopeWhenScopeLabelsAreOn() throws {
        // With scope labels on, every series of the example gets otel_scope_name, otel_scope_version
        // and its scope attribute as otel_scope_my_scope_attribute (no schema URL: it is empty).
        let request = try OTLPMetricsJSONDecoder().decode(Array(try Self.specificationExample()))
        let result = OTLPMetricsTranslator(options: OTLPTranslationOptions(scopeLabels: .on)).translate(request, now: 0)
        #expect(result.batch.series.count == 7)
        for series in result.batch.series {
            let labels = result.batch.labels(of: series)
            #expect(labels["otel_scope_name"] == "my.library")
            #expect(labels["otel_scope_version"] == "1.0.0")
            #expect(labels["otel_scope_my_scope_attribute"] == "some scope attribute")
            #expect(!labels.elements.contains { $0.name == "otel_scope_schema_url" })
        }
    }

    /// `shared/reference/otlp-examples/metrics.json`, found by walking up from this file.
    static func specificationExample() throws -> Data {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if let data = FileManager.default.contents(atPath: url.path + "/shared/reference/otlp-examples/metrics.json") {
                return data
            }
        }
        throw CocoaError(.fileNoSuchFile)
    }
}

/// The text form of a translated batch used by the golden files.
enum GoldenRendering {
    static func value(_ v: Double) -> String {
        StaleMarker.isStale(v) ? "stale" : GoldenRendering.number(v)
    }

    static func number(_ v: Double) -> String {
        v.isNaN ? "NaN" : GoFloatFormat.general(v)
    }

    static func lines(_ batch: WriteBatch) -> [String] {
        var lines: [String] = []
        for series in batch.series {
            let labels = batch.labels(of: series).elements.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
            var line = "{\(labels)}"
            for sample in batch.samples[series.samples] {
                line += " @\(sample.timestamp) \(value(sample.value))"
            }
            for h in batch.histograms[series.histograms] {
                line += " @\(h.timestamp) histogram schema=\(h.schema) sum=\(value(h.sum)) zero_threshold=\(number(h.zeroThreshold))"
                if case .integer(let count, let zero, let positive, let negative) = h.counts {
                    line += " count=\(count) zero=\(zero) positive=\(h.positiveSpans.map { "\($0.offset):\($0.length)" })\(positive)"
                    line += " negative=\(h.negativeSpans.map { "\($0.offset):\($0.length)" })\(negative)"
                }
                if h.startTimestamp != 0 { line += " start=\(h.startTimestamp)" }
            }
            for ref in batch.exemplars[series.exemplars] {
                let exemplar = batch.exemplar(ref)
                let text = exemplar.labels.elements.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
                line += " exemplar{\(text)} \(number(exemplar.value)) @\(exemplar.timestamp)"
            }
            lines.append(line)
        }
        for (name, metadata) in batch.metadata {
            lines.append("metadata \(name) \(metadata.type.rawValue) help=\"\(metadata.help)\" unit=\"\(metadata.unit)\"")
        }
        return lines.sorted()
    }

    /// A line diff of the two texts (longest common subsequence): `-` lines only expected, `+` lines
    /// only produced, two lines of unchanged context around each change; empty when equal.
    static func difference(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard e != a else { return "" }
        // common[i][j]: length of the longest common subsequence of e[i...] and a[j...].
        var common = Array(repeating: Array(repeating: 0, count: a.count + 1), count: e.count + 1)
        for i in stride(from: e.count - 1, through: 0, by: -1) {
            for j in stride(from: a.count - 1, through: 0, by: -1) {
                common[i][j] = e[i] == a[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var script: [(mark: Character, line: String)] = []
        var i = 0
        var j = 0
        while i < e.count || j < a.count {
            if i < e.count, j < a.count, e[i] == a[j] {
                script.append((" ", e[i])); i += 1; j += 1
            } else if i < e.count, j == a.count || common[i + 1][j] >= common[i][j + 1] {
                script.append(("-", e[i])); i += 1
            } else {
                script.append(("+", a[j])); j += 1
            }
        }
        let changed = script.indices.filter { script[$0].mark != " " }
        var out: [String] = []
        var last = -1
        for index in script.indices where changed.contains(where: { abs($0 - index) <= 2 }) {
            if last >= 0, index > last + 1 { out.append("@@") }
            out.append("\(script[index].mark) \(script[index].line)")
            last = index
        }
        return out.joined(separator: "\n")
    }
}
