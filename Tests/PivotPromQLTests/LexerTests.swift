@testable import PivotPromQL
import Testing

@Suite("Lexer")
struct LexerTests {
    private func kinds(_ query: String) -> [Token.Kind] { Lexer.tokenize(query).map(\.kind) }
    private func texts(_ query: String) -> [String] { Lexer.tokenize(query).map(\.text) }

    @Test("keywords are case-insensitive outside braces and plain identifiers inside")
    func keywords() {
        // Expects SUM and BY as keywords, and `by` inside braces as a label name.
        #expect(kinds("SUM BY (a) (x)") == [
            .aggregator(.sum), .by, .leftParen, .identifier, .rightParen, .leftParen, .identifier, .rightParen, .eof,
        ])
        #expect(kinds("x{by=\"1\"}") == [.identifier, .leftBrace, .identifier, .assign, .string, .rightBrace, .eof])
    }

    @Test("fill is a keyword only before a parenthesis")
    func fillKeyword() {
        // Expects `fill (` to be the modifier and a bare `fill` an identifier.
        #expect(kinds("a + fill (0) b") == [.identifier, .add, .fill, .leftParen, .number, .rightParen, .identifier, .eof])
        #expect(kinds("fill + fill") == [.identifier, .add, .identifier, .eof])
    }

    @Test("numbers, durations, Inf and NaN are told apart")
    func numbers() {
        // Expects durations with compound units, hex numbers, and Inf/NaN as numbers.
        #expect(kinds("1 1.5 .5 0x1f 1e-3 5m 1h30m 10s53ms Inf nan") == Array(repeating: .number, count: 5)
            + [.duration, .duration, .duration, .number, .number, .eof])
        #expect(texts("1h30m")[0] == "1h30m")
    }

    @Test("metric identifiers contain colons")
    func colons() {
        // Expects a name with a colon to be a metric identifier.
        #expect(kinds("a:b:c :x") == [.metricIdentifier, .metricIdentifier, .eof])
    }

    @Test("operators, including the histogram trim operators")
    func operators() {
        // Expects each two-character operator as one token.
        #expect(kinds("== != <= >= < > </ >/").dropLast() == [
            .equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater, .trimUpper, .trimLower,
        ])
    }

    @Test("comments run to the end of the line")
    func comments() {
        // Expects a comment token that the parser skips.
        #expect(kinds("foo # bar\n+ 1") == [.identifier, .comment, .add, .number, .eof])
    }

    @Test("inside brackets only duration arithmetic is lexed")
    func brackets() {
        // Expects duration keywords and arithmetic, and an error for other words.
        #expect(kinds("x[step()*2:5m]") == [
            .identifier, .leftBracket, .step, .leftParen, .rightParen, .mul, .number, .colon, .duration, .rightBracket,
            .eof,
        ])
        let tokens = Lexer.tokenize("x[foo]")
        #expect(tokens.last?.kind == .error)
        #expect(tokens.last?.text == "unexpected character in duration expression: 'f'")
    }

    @Test("an error token runs to the end of the input")
    func errorRange() {
        // Expects the error's range to start at the bad token and end at the input's end.
        let tokens = Lexer.tokenize("foo{a=\"b\" $ }")
        #expect(tokens.last?.range == PositionRange(start: 10, end: 13))
    }

    @Test("strings keep their quotes and escapes in the token")
    func strings() {
        // Expects the raw text; unquoting happens in the parser.
        #expect(texts("'a\\'b' `c\\d` \"e\\\"f\"").dropLast() == ["'a\\'b'", "`c\\d`", "\"e\\\"f\""])
    }
}
