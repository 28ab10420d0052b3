import PivotPromQL
import Testing

@Suite("Duration expression evaluation")
struct DurationEvaluationTests {
    private func range(_ query: String) throws -> DurationExpr {
        guard case .matrixSelector(let matrix) = try parseExpr(query, options: .allFeatures),
            case .expression(let expr) = matrix.range
        else {
            throw ParseError(code: .syntax, message: "not a duration expression", position: .none, query: query)
        }
        return expr
    }

    @Test("arithmetic, step(), range(), min_of and max_of evaluate in seconds")
    func evaluation() throws {
        // Expects step 15s, range 1h: each expression's value in seconds.
        let cases: [(String, Double)] = [
            ("foo[step() * 2]", 30), ("foo[range() / 4]", 900), ("foo[1h % 7m]", 240), ("foo[2 ^ 3 * 1s]", 8),
            ("foo[min_of(step(), 10s)]", 10), ("foo[max_of(step(), 10s)]", 15), ("foo[-(step()) + 1m]", 45),
            ("foo[(1m + 1m) * 2]", 240),
        ]
        for (query, seconds) in cases {
            #expect(try range(query).evaluate(stepMilliseconds: 15_000, rangeMilliseconds: 3_600_000) == seconds, "\(query)")
        }
    }

    @Test("resolving checks the result like Prometheus")
    func resolution() throws {
        // Expects milliseconds, a positive range, allowed negative offsets and errors naming the range.
        #expect(try range("foo[step() * 2]").resolve(stepMilliseconds: 500, rangeMilliseconds: 0, allowNegative: false) == 1000)
        let zero = try #require(throws: DurationEvaluationError.self) {
            try range("foo[step() * 2]").resolve(stepMilliseconds: 0, rangeMilliseconds: 0, allowNegative: false)
        }
        #expect(zero.message == "4:14: duration must be greater than 0")
        let division = try #require(throws: DurationEvaluationError.self) {
            try range("foo[1m / step()]").resolve(stepMilliseconds: 0, rangeMilliseconds: 0, allowNegative: false)
        }
        #expect(division.message == "4:15: division by zero")
        #expect(
            try range("foo[-(step())]").resolve(stepMilliseconds: 1000, rangeMilliseconds: 0, allowNegative: true) == -1000)
        #expect(throws: DurationEvaluationError.self) {
            try range("foo[step() ^ 100]").resolve(stepMilliseconds: 10_000, rangeMilliseconds: 0, allowNegative: false)
        }
    }

    @Test("a fixed duration resolves to itself")
    func fixed() throws {
        // Expects a literal range to need no evaluation.
        #expect(try DurationValue.milliseconds(5000).resolve(stepMilliseconds: 0, rangeMilliseconds: 0, allowNegative: false) == 5000)
    }
}
