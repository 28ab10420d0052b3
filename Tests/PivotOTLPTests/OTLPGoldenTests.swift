import Foundation
import PivotModel
import PivotOTLP
import Testing

/// Golden cases for the OTLP → Prometheus translation: `Golden/<case>.json` is an OTLP/JSON export
/// (several, `<case>.1.json`, `<case>.2.json`, …, sent in order to one translator), and
/// `Golden/<case>.expected` the series, samples, native histograms, exemplars, metadata and
/// rejections it must produce, one per line, sorted. `PIVOT_UPDATE_GOLDEN=1` rewrites the expected
/// files; review every change against `docs/otlp.md` before committing it.
@Suite struct OTLPGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Options per case (the default translation otherwise).
    static let options: [String: OTLPTranslationOptions] = [
        "promote_scope": OTLPTranslationOptions(promoteResourceAttributes: ["deployment.environment", "cloud.region"], scopeLabels: .on),
        "strategy_utf8": OTLPTranslationOptions(strategy: .noUTF8EscapingWithSuffixes),
        "strategy_none": OTLPTranslationOptions(strategy: .noTranslation),
        "strategy_nosuffix": OTLPTranslationOptions(strategy: .underscoreEscapingWithoutSuffixes),
        "delta_off": OTLPTranslationOptions(deltaConversion: .reject),
    ]

    static var cases: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(files.filter { $0.hasSuffix(".json") }.map { name in
            let base = String(name.dropLast(5))
            if let dot = base.lastIndex(of: "."), Int(base[base.index(after: dot)...]) != nil { return String(base[..<dot]) }
            return base
        }).sorted()
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
        #expect(diff.isEmpty, "\(name):\n\(diff)")
    }

    @Test func theSpecificationsMetricsExampleTranslates() throws {
        // ../shared/reference/otlp-examples/metrics.json: a counter, a gauge, a histogram and an
        // exponential histogram become the Prometheus names the translation rules give (unit "1" on
        // the gauge: `_ratio`).
        var url = URL(fileURLWithPath: #filePath)
        var body: Data?
        while url.path != "/" {
            url.deleteLastPathComponent()
            if let data = FileManager.default.contents(atPath: url.path + "/shared/reference/otlp-examples/metrics.json") {
                body = data
                break
            }
        }
        let request = try OTLPMetricsJSONDecoder().decode(Array(try #require(body)))
        let result = OTLPMetricsTranslator().translate(request, now: 0)
        let names = Set(result.batch.series.map { result.batch.labels(of: $0).metricName })
        #expect(names.isSuperset(of: ["my_counter_total", "my_gauge_ratio", "my_histogram_bucket", "my_histogram_sum", "my_histogram_count"]),
                "\(names.sorted())")
        #expect(names.contains("my_exponential_histogram"), "\(names.sorted())")
        let job = result.batch.series.map { result.batch.labels(of: $0)["job"] }
        #expect(job.allSatisfy { $0 == "my.service" })
        #expect(result.rejectedDataPoints == 0, "\(result.errorMessage)")
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

    /// Lines only in one of the texts, marked `-` (expected) and `+` (actual); empty when equal.
    static func difference(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard e != a else { return "" }
        let missing = e.filter { !a.contains($0) }.map { "- " + $0 }
        let extra = a.filter { !e.contains($0) }.map { "+ " + $0 }
        return (missing + extra).joined(separator: "\n") + (missing.isEmpty && extra.isEmpty ? "(order or count differs)" : "")
    }
}
