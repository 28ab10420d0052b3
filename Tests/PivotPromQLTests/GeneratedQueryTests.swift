import PivotPromQL
import Testing

@Suite("Generated queries")
struct GeneratedQueryTests {
    @Test("random well-typed queries parse, and print to text that parses to the same tree", arguments: [1, 2, 3])
    func roundTrip(seed: UInt64) throws {
        // Expects every generated query (varied spacing, case, quoting, number forms) to round-trip, and printing to be stable.
        var generator = QueryGenerator(rng: SplitMix64(state: seed))
        for _ in 0..<2000 {
            let query = generator.vector(depth: 4)
            let expr = try parseExpr(query, options: .allFeatures)
            let printed = expr.description
            let reparsed = try parseExpr(printed, options: .allFeatures)
            #expect(reparsed.normalizedForComparison() == expr.normalizedForComparison(), "\(query)")
            #expect(reparsed.description == printed)
        }
    }

    @Test("random token soup never crashes the parser")
    func tokenSoup() {
        // Expects any sequence of PromQL fragments either to parse and round-trip or to fail with a ParseError.
        let pieces = [
            "foo", "{", "}", "(", ")", "[", "]", ":", ",", "=", "!=", "=~", "\"a\"", "'b'", "`c`", "5m", "1", "0x1f", "Inf",
            "+", "-", "*", "/", "^", "==", "</", "and", "or", "bool", "on", "group_left", "sum", "topk", "by", "without",
            "rate", "info", "offset", "@", "start()", "step()", "min_of", "anchored", "smoothed", "fill", "fill_left",
            " ", "\n", "#c\n", "\\", "\"\\x", "1h30m", "-1", "__name__", "\"x.y\"", "time", "\u{FFFD}", "é",
        ]
        var rng = SplitMix64(state: 99)
        for _ in 0..<20_000 {
            var query = ""
            for _ in 0..<Int.random(in: 1...10, using: &rng) {
                query += pieces.randomElement(using: &rng)! + (Bool.random(using: &rng) ? " " : "")
            }
            guard let expr = try? parseExpr(query, options: .allFeatures) else { continue }
            let reparsed = try? parseExpr(expr.description, options: .allFeatures)
            #expect(reparsed?.normalizedForComparison() == expr.normalizedForComparison(), "\(query)")
        }
    }
}
