import Foundation
import PivotPromQL
import Testing

@Suite("Printer round trip over Prometheus's conformance scripts")
struct RoundTripCorpusTests {
    @Test("every conformance query that parses prints to text that parses to an equal tree")
    func everyParsedQueryRoundTrips() throws {
        // Expects printing then re-parsing each eval query to give the same tree, positions and matcher order aside.
        let directory = try #require(ConformanceCorpus.directory())
        let corpus = try ConformanceCorpus(directory: directory)
        #expect(corpus.cases.count > 2000)
        var parsed = 0
        var failures: [String] = []
        for testCase in corpus.cases {
            guard let expr = try? parseExpr(testCase.query, options: .allFeatures) else { continue }
            parsed += 1
            let printed = expr.description
            do {
                let reparsed = try parseExpr(printed, options: .allFeatures)
                if reparsed.normalizedForComparison() != expr.normalizedForComparison() {
                    failures.append("\(testCase.location): \(testCase.query) -> \(printed): different tree")
                }
            } catch {
                failures.append("\(testCase.location): \(testCase.query) -> \(printed): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) round-trip failures:\n\(failures.joined(separator: "\n"))")
        print("round trip: \(parsed) of \(corpus.cases.count) conformance queries parsed and round-tripped")
    }

    @Test("only queries marked expect fail fail to parse")
    func parseFailuresAreExpected() throws {
        // Expects every query that does not parse to sit in an eval block that expects failure, and lists them.
        let directory = try #require(ConformanceCorpus.directory())
        let corpus = try ConformanceCorpus(directory: directory)
        var unexpected: [String] = []
        var expected: [String] = []
        for testCase in corpus.cases {
            do {
                _ = try parseExpr(testCase.query, options: .allFeatures)
            } catch {
                let line = "\(testCase.location): \(testCase.query) -> \(error)"
                if testCase.expectsFailure { expected.append(line) } else { unexpected.append(line) }
            }
        }
        print("parse failures in expect-fail blocks (\(expected.count)):\n" + expected.joined(separator: "\n"))
        #expect(unexpected.isEmpty, "\(unexpected.count) unexpected parse failures:\n\(unexpected.joined(separator: "\n"))")
    }

    @Test("with default options the conformance queries fail only on experimental features")
    func defaultOptionsFailOnlyOnGates() throws {
        // Expects every failure under default options to be a disabled-feature error, counted by message.
        let directory = try #require(ConformanceCorpus.directory())
        let corpus = try ConformanceCorpus(directory: directory)
        var byMessage: [String: Int] = [:]
        var other: [String] = []
        for testCase in corpus.cases {
            do {
                _ = try parseExpr(testCase.query)
            } catch where error.code == .featureDisabled {
                byMessage[error.message, default: 0] += 1
            } catch {
                other.append("\(testCase.location): \(testCase.query) -> \(error)")
            }
        }
        #expect(other.isEmpty, "\(other.joined(separator: "\n"))")
        let summary = byMessage.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }
        print("default options: \(byMessage.values.reduce(0, +)) gated queries\n" + summary.joined(separator: "\n"))
    }
}
