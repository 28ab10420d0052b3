import PivotTraceQuery
import Testing

/// Hostile TraceQL cannot build a tree deep enough to exhaust the stack: deep parentheses, long
/// `&&`/`||` chains and long `tags` lists are refused with a clear error; the largest accepted ones work.
@Suite struct TraceQLDepthLimitTests {
    @Test func parenthesesNestedAHundredThousandDeepAreRefused() {
        // 100,000 nested parentheses are a clear error naming the depth, not a crash.
        let query = "{ " + String(repeating: "(", count: 100_000) + #".a = "x""# + String(repeating: ")", count: 100_000) + " }"
        #expect {
            try TraceQLQuery.parse(query)
        } throws: { error in
            (error as? TraceQLError)?.message.contains("nested deeper than") == true
        }
    }

    @Test(arguments: ["&&", "||"])
    func aChainOfAHundredThousandConditionsIsRefused(op: String) {
        // A flat chain builds a left-deep tree; past the limit it is refused as well.
        let query = "{ " + Array(repeating: #".a = "x""#, count: 100_000).joined(separator: " \(op) ") + " }"
        #expect {
            try TraceQLQuery.parse(query)
        } throws: { error in
            (error as? TraceQLError)?.code == .tooComplex
        }
    }

    @Test func queriesWithinTheDepthAreParsedAndEvaluated() throws {
        // 50 nested parentheses around a chain of 100 conditions stay within the limits.
        let chain = Array(repeating: #".a = "x""#, count: 100).joined(separator: " && ")
        let query = "{ " + String(repeating: "(", count: 50) + chain + String(repeating: ")", count: 50) + " }"
        let parsed = try TraceQLQuery.parse(query)
        #expect(parsed.attributeKeys == ["a"])
    }

    @Test func tooManyTagsPairsAreRefused() {
        // 10,000 logfmt pairs (Tempo) or JSON tags (Jaeger) are refused, not chained into a deep tree.
        let logfmt = (0..<10_000).map { "k\($0)=v" }.joined(separator: " ")
        #expect(throws: TraceQLError.self) { try TraceQLQuery.fromTempoTags(logfmt) }
        let json = "{" + (0..<10_000).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}"
        #expect(throws: TraceQLError.self) { try TraceQLQuery.fromJaegerTags(json) }
        #expect(throws: Never.self) { try TraceQLQuery.fromTempoTags((0..<200).map { "k\($0)=v" }.joined(separator: " ")) }
    }
}
