import PivotRegex
import Testing

/// One row of the error table: a pattern, the error code and the exact message.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    let pattern: String
    let code: RegexError.Code
    let message: String

    init(_ pattern: String, _ code: RegexError.Code, _ message: String) {
        self.pattern = pattern
        self.code = code
        self.message = message
    }

    var testDescription: String { pattern.debugDescription }
}

enum ErrorTable {
    static let backreferenceHint = " (backreferences are not supported in RE2 syntax)"

    static let rows: [ErrorCase] = [
        ErrorCase("(ab", .missingClosingParenthesis, "error parsing regexp: missing closing ): `(ab`"),
        ErrorCase("((a)", .missingClosingParenthesis, "error parsing regexp: missing closing ): `((a)`"),
        ErrorCase("ab)", .unexpectedParenthesis, "error parsing regexp: unexpected ): `ab)`"),
        ErrorCase(")", .unexpectedParenthesis, "error parsing regexp: unexpected ): `)`"),
        ErrorCase("a**", .invalidNestedRepetition, "error parsing regexp: invalid nested repetition operator: `**`"),
        ErrorCase("a+*", .invalidNestedRepetition, "error parsing regexp: invalid nested repetition operator: `+*`"),
        ErrorCase("a*??", .invalidNestedRepetition, "error parsing regexp: invalid nested repetition operator: `*??`"),
        ErrorCase("a{2}{3}", .invalidNestedRepetition, "error parsing regexp: invalid nested repetition operator: `{2}{3}`"),
        ErrorCase("a{2,1}", .invalidRepeatCount, "error parsing regexp: invalid repeat count: `{2,1}`"),
        ErrorCase("a{1001}", .invalidRepeatCount, "error parsing regexp: invalid repeat count: `{1001}`"),
        ErrorCase("a{1,1001}", .invalidRepeatCount, "error parsing regexp: invalid repeat count: `{1,1001}`"),
        ErrorCase("a{99999999999}", .invalidRepeatCount, "error parsing regexp: invalid repeat count: `{99999999999}`"),
        ErrorCase("(a{500}){3}", .invalidRepeatCount, "error parsing regexp: invalid repeat count: `{3}`"),
        ErrorCase("*", .missingRepetitionArgument, "error parsing regexp: missing argument to repetition operator: `*`"),
        ErrorCase("*?", .missingRepetitionArgument, "error parsing regexp: missing argument to repetition operator: `*?`"),
        ErrorCase("a|*", .missingRepetitionArgument, "error parsing regexp: missing argument to repetition operator: `*`"),
        ErrorCase("(*)", .missingRepetitionArgument, "error parsing regexp: missing argument to repetition operator: `*`"),
        ErrorCase("{2}", .missingRepetitionArgument, "error parsing regexp: missing argument to repetition operator: `{2}`"),
        ErrorCase("(?i)+", .missingRepetitionArgument, "error parsing regexp: missing argument to repetition operator: `+`"),
        ErrorCase("[a", .missingClosingBracket, "error parsing regexp: missing closing ]: `[a`"),
        ErrorCase("x[]", .missingClosingBracket, "error parsing regexp: missing closing ]: `[]`"),
        ErrorCase("[^]", .missingClosingBracket, "error parsing regexp: missing closing ]: `[^]`"),
        ErrorCase("[a-", .missingClosingBracket, "error parsing regexp: missing closing ]: `[a-`"),
        ErrorCase("[z-a]", .invalidCharacterClassRange, "error parsing regexp: invalid character class range: `z-a`"),
        ErrorCase("[[:foo:]]", .invalidCharacterClassRange, "error parsing regexp: invalid character class range: `[:foo:]`"),
        ErrorCase(#"[a-\d]"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\d`"),
        ErrorCase(#"[\b]"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\b`"),
        ErrorCase("\\", .trailingBackslash, "error parsing regexp: trailing backslash at end of expression: ``"),
        ErrorCase(#"\q"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\q`"),
        ErrorCase(#"\C"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\C`"),
        ErrorCase(#"\Z"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\Z`"),
        ErrorCase(#"\xZ1"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\xZ1`"),
        ErrorCase(#"\x{110000}"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\x{110000`"),
        ErrorCase(#"\x{}"#, .invalidEscape, "error parsing regexp: invalid escape sequence: `\\x{}`"),
        ErrorCase(#"\1"#, .unsupportedBackreference, "error parsing regexp: invalid escape sequence: `\\1`" + backreferenceHint),
        ErrorCase(#"(a)\1"#, .unsupportedBackreference, "error parsing regexp: invalid escape sequence: `\\1`" + backreferenceHint),
        ErrorCase(#"\8"#, .unsupportedBackreference, "error parsing regexp: invalid escape sequence: `\\8`" + backreferenceHint),
        ErrorCase("(?P<n>a)(?P=n)", .unsupportedBackreference, "error parsing regexp: invalid or unsupported Perl syntax: `(?P`" + backreferenceHint),
        ErrorCase("(?=a)", .unsupportedLookaround, "error parsing regexp: invalid or unsupported Perl syntax: `(?=` (lookahead assertions are not supported in RE2 syntax)"),
        ErrorCase("a(?!b)", .unsupportedLookaround, "error parsing regexp: invalid or unsupported Perl syntax: `(?!` (lookahead assertions are not supported in RE2 syntax)"),
        ErrorCase("(?<=a)b", .unsupportedLookaround, "error parsing regexp: invalid or unsupported Perl syntax: `(?<=` (lookbehind assertions are not supported in RE2 syntax)"),
        ErrorCase("(?<!a)b", .unsupportedLookaround, "error parsing regexp: invalid or unsupported Perl syntax: `(?<!` (lookbehind assertions are not supported in RE2 syntax)"),
        ErrorCase("(?x)a", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?x`"),
        ErrorCase("(?", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?`"),
        ErrorCase("(?i", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?i`"),
        ErrorCase("(?-)", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"),
        ErrorCase("(?i-:a)", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?i-:`"),
        ErrorCase("(?--i)", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?--`"),
        ErrorCase("(?>a)", .invalidPerlSyntax, "error parsing regexp: invalid or unsupported Perl syntax: `(?>`"),
        ErrorCase("(?P<>a)", .invalidNamedCapture, "error parsing regexp: invalid named capture: `(?P<>`"),
        ErrorCase("(?P<a-b>x)", .invalidNamedCapture, "error parsing regexp: invalid named capture: `(?P<a-b>`"),
        ErrorCase("(?<né>x)", .invalidNamedCapture, "error parsing regexp: invalid named capture: `(?<né>`"),
        ErrorCase("(?P<name", .invalidNamedCapture, "error parsing regexp: invalid named capture: `(?P<name`"),
        ErrorCase(#"\pX"#, .unsupportedUnicodeClass, "error parsing regexp: invalid character class range: `\\pX`" + unicodeHint),
        ErrorCase(#"\p{Greek}"#, .unsupportedUnicodeClass, "error parsing regexp: invalid character class range: `\\p{Greek}`" + unicodeHint),
        ErrorCase(#"[\p{Foo}]"#, .unsupportedUnicodeClass, "error parsing regexp: invalid character class range: `\\p{Foo}`" + unicodeHint),
        ErrorCase(#"\p{L"#, .invalidCharacterClassRange, "error parsing regexp: invalid character class range: `\\p{L`"),
        ErrorCase(
            String(repeating: "(", count: 1001) + String(repeating: ")", count: 1001), .nestingTooDeep,
            "error parsing regexp: expression nests too deeply: `" + String(repeating: "(", count: 1001)
                + String(repeating: ")", count: 1001) + "`"),
    ]

    static let unicodeHint =
        " (unknown Unicode class; supported are general categories such as L, Lu, N, Nd, P, S, Z, C and their"
        + " long names, Any, Assigned and ASCII, but not scripts)"
}

@Suite("RE2Regex errors")
struct RE2RegexErrorTests {
    @Test("Invalid patterns fail with Go's wording", arguments: ErrorTable.rows)
    func errorTable(_ row: ErrorCase) {
        // Compiling the pattern throws the listed code and exactly the listed message.
        #expect {
            try RE2Regex(row.pattern)
        } throws: { error in
            guard let error = error as? RegexError else { return false }
            return error.code == row.code && error.message == row.message && error.description == row.message
        }
    }

    @Test("The error message is readable where the lead's code prints it")
    func messageFromTypedThrow() {
        // A typed throw gives a RegexError directly, whose message names the problem and the text.
        do {
            _ = try RE2Regex("(ab")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "error parsing regexp: missing closing ): `(ab`")
            #expect(error.code == .missingClosingParenthesis)
        }
    }

    @Test("Huge patterns are refused as too large instead of exhausting memory")
    func tooLarge() {
        // 600 copies of a 1000-fold repetition exceed the 500,000-instruction program limit.
        let pattern = String(repeating: "(?:[ab]{1000})", count: 600)
        #expect(throws: RegexError.self) { try RE2Regex(pattern) }
        do {
            _ = try RE2Regex(pattern)
        } catch {
            #expect(error.code == .expressionTooLarge)
        }
    }
}
