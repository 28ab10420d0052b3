import PivotPromQL
import PivotPromQLEngine
import PivotStorage
import Testing

@testable import PivotHTTP

/// Query texts parsed once: the same expression as the parser's, errors never remembered.
@Suite struct ParsedQueriesTests {
    let engine = Engine(queryable: MemoryStore())

    @Test func aTextIsParsedOnceToTheParsersExpression() throws {
        let parsed = ParsedQueries()
        let text = "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))"
        let first = try parsed.expr(text, engine)
        #expect(first == (try parseExpr(text)))
        #expect(parsed.count == 1)
        #expect(try parsed.expr(text, engine) == first)
        #expect(parsed.count == 1)
    }

    @Test func aTextThatDoesNotParseGivesTheParsersErrorEveryTimeAndIsNotKept() {
        let parsed = ParsedQueries()
        for _ in 0..<2 {
            #expect(throws: EngineError.self) { try parsed.expr("sum(", engine) }
        }
        #expect(parsed.count == 0)
    }

    @Test func pastItsCapacityTheMemoryStartsOver() throws {
        let parsed = ParsedQueries()
        for index in 0..<ParsedQueries.capacity {
            _ = try parsed.expr("m\(index)", engine)
        }
        #expect(parsed.count == ParsedQueries.capacity)
        _ = try parsed.expr("another", engine)
        #expect(parsed.count == 1)
    }
}
