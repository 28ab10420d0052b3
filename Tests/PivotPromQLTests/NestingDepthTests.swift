import PivotPromQL
import Testing

@Suite("Nesting limit")
struct NestingDepthTests {
    @Test("queries nested up to the default limit parse and print", arguments: ["paren", "call", "chain", "unary"])
    func withinLimit(_ shape: String) throws {
        // Expects 450 levels of each shape to parse, print and compare without exhausting the stack.
        let query = Self.query(shape, depth: 450)
        let expr = try parseExpr(query)
        let reparsed = try parseExpr(expr.description)
        #expect(reparsed.normalizedForComparison() == expr.normalizedForComparison())
    }

    @Test("deeper queries fail with a parse error instead of crashing", arguments: ["paren", "call", "chain", "unary"])
    func beyondLimit(_ shape: String) throws {
        // Expects the too-deep code for 5000 levels, far beyond the default of 500.
        let error = try #require(throws: ParseError.self) { try parseExpr(Self.query(shape, depth: 5000)) }
        #expect(error.code == .tooDeep)
        #expect(error.message == "expression nested too deeply (more than 500 levels)")
    }

    @Test("the limit is configurable")
    func configurable() {
        // Expects a lower limit to reject what the default accepts.
        #expect(throws: ParseError.self) { try parseExpr("abs(abs(abs(foo)))", options: ParserOptions(maxNestingDepth: 3)) }
        #expect(throws: Never.self) { try parseExpr("abs(abs(abs(foo)))", options: ParserOptions(maxNestingDepth: 10)) }
    }

    static func query(_ shape: String, depth: Int) -> String {
        switch shape {
        case "paren": String(repeating: "(", count: depth) + "foo" + String(repeating: ")", count: depth)
        case "call": String(repeating: "abs(", count: depth) + "foo" + String(repeating: ")", count: depth)
        case "chain": Array(repeating: "foo", count: depth).joined(separator: " + ")
        default: String(repeating: "- ", count: depth) + "foo"
        }
    }
}
