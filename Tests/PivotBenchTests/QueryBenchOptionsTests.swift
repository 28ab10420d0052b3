import Testing

@testable import PivotBench

@Suite struct QueryBenchOptionsTests {
    @Test func noFlagsGiveTheDefaults() throws {
        let options = try QueryBench.Options(arguments: ["query"])
        #expect(options.series == 10_000)
        #expect(options.rounds == 120)
        #expect(options.runs == 200)
        #expect(options.step == 60)
        #expect(options.only == nil)
        #expect(options.evictMB == 0)
    }

    @Test func everyFlagIsReadInBothSpellings() throws {
        let options = try QueryBench.Options(arguments: [
            "query", "--series=2000", "--rounds", "30", "--runs=5", "--step", "15", "--only=range:topk", "--evict-mb", "32",
        ])
        #expect(options.series == 2_000)
        #expect(options.rounds == 30)
        #expect(options.runs == 5)
        #expect(options.step == 15)
        #expect(options.only == "range:topk")
        #expect(options.evictMB == 32)
        #expect(try QueryBench.Options(arguments: ["query", "--evict-mb=0"]).evictMB == 0)
    }

    @Test(arguments: [
        ["query", "--series", "0"], ["query", "--runs"], ["query", "--step=x"], ["query", "--only"], ["query", "--only="],
        ["query", "--bogus", "1"], ["query", "--evict-mb", "-1"], ["query", "--runs=0"],
    ])
    func badArgumentsAreRefused(arguments: [String]) {
        #expect(throws: BenchError.self) { try QueryBench.Options(arguments: arguments) }
    }

    @Test func theQueriesAreThePeerBenchmarksQueries() throws {
        // The same names and expressions as ../shared/bench/query_bench.py, so the two tables line up.
        let script = try ReferenceFiles.string("../bench/query_bench.py")
        for query in QueryBench.queries {
            let pythonLiteral = query.expr.contains("\"") ? "'\(query.expr)'" : "\"\(query.expr)\""
            #expect(script.contains("(\"\(query.name)\", \(pythonLiteral))"), "\(query.name)")
        }
    }
}
