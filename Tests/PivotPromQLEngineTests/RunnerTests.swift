import PivotPromQLEngine
import PivotPromQLTesting
import PivotStorage
import Testing

@Suite struct RunnerTests {
    static let script = """
        load 1m
          metric{a="x"} 0+1x10 _ stale
          metric{a="y"} 1x5

        eval instant at 5m metric
          metric{a="x"} 5
          metric{a="y"} 1

        eval instant at 5m metric{a="x"}
          metric{a="x"} 6

        eval range from 0 to 2m step 1m metric{a="x"}
          metric{a="x"} 0 1 2

        eval instant at 1m sum(metric)
          expect fail

        eval instant at 12m metric
        """

    @Test func correctExpectationsPassAndWrongOnesFail() async throws {
        // Cases 1, 3 and 5 are right; case 2 has a wrong value and case 4 expects an error that does not happen.
        let runner = ConformanceRunner(caseIndex: CaseIndex()) { MemoryStore() }
        let result = try await runner.run(script: PromQLTestScript(parsing: Self.script), file: "t.test")
        #expect(result.passed == 3)
        #expect(result.failures.map(\.line) == [9, 15])
    }

    @Test func casesAreSkippedOnlyByTheirFeatureTags() async throws {
        // A case tagged native_histograms is skipped and counted under that tag.
        let index = CaseIndex(tags: ["t.test": [9: ["native_histograms"]]])
        let runner = ConformanceRunner(caseIndex: index) { MemoryStore() }
        let result = try await runner.run(script: PromQLTestScript(parsing: Self.script), file: "t.test")
        #expect(result.skipped == ["native_histograms": 1])
        #expect(result.failures.map(\.line) == [15])
    }

    @Test func valueNotationExpandsLikePrometheus() throws {
        // `axn` gives n+1 values, `_xn` gives n gaps, and signs and exponents parse.
        let script = PromQLTestScript(parsing: "load 1m\n  m 1+2x2 _x2 -1-1x1 1e3 stale\n")
        guard case .load(let load) = script.commands.first else { Issue.record("no load"); return }
        let values = load.series[0].values.map { item -> Double? in
            if case .value(let v) = item { return v } else { return nil }
        }
        #expect(values.count == 9)
        #expect(Array(values.prefix(7)) == [1, 3, 5, nil, nil, -1, -2])
        #expect(values[7] == 1000)
    }

    @Test(arguments: ["m _x-1", "m 1x-2", "m 1+1x-3", "m x5", "m +x5", "m 1x9223372036854775807", "m _x99999999999", "m 1x600000 2x600000"])
    func repeatCountsThatAreNegativeOrHugeMakeTheLoadInvalid(values: String) {
        // A negative or unbounded repeat count (found by fuzzing: it trapped or allocated without
        // bound) makes the load command invalid instead of crashing.
        let script = PromQLTestScript(parsing: "load 1m\n  \(values)\n")
        guard case .invalid(let line, let message) = script.commands.first else {
            Issue.record("load was accepted")
            return
        }
        #expect(line == 1)
        #expect(message.hasPrefix("invalid value"))
    }

    @Test func aLineMayExpandToTheLimitExactly() {
        // `0+1x999999` is 1,000,000 values, the most one series line may have.
        let script = PromQLTestScript(parsing: "load 1m\n  m 0+1x999999\n")
        guard case .load(let load) = script.commands.first else { Issue.record("no load"); return }
        #expect(load.series[0].values.count == 1_000_000)
    }
}
