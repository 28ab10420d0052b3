/// A regular expression that cannot be compiled.
///
/// `message` uses the wording of Go's `regexp/syntax` package, which is what Prometheus reports:
/// `error parsing regexp: <what>: `<offending text>``. Constructs that RE2 deliberately leaves out
/// (backreferences, lookaround) keep that wording and add a short explanation in parentheses.
public struct RegexError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a growable set of values (compare with the static members).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidCharacterClass = Code(rawValue: "invalid character class")
        public static let invalidCharacterClassRange = Code(rawValue: "invalid character class range")
        public static let invalidEscape = Code(rawValue: "invalid escape sequence")
        public static let invalidNamedCapture = Code(rawValue: "invalid named capture")
        public static let invalidPerlSyntax = Code(rawValue: "invalid or unsupported Perl syntax")
        public static let invalidNestedRepetition = Code(rawValue: "invalid nested repetition operator")
        public static let invalidRepeatCount = Code(rawValue: "invalid repeat count")
        public static let missingClosingBracket = Code(rawValue: "missing closing ]")
        public static let missingClosingParenthesis = Code(rawValue: "missing closing )")
        public static let missingRepetitionArgument = Code(rawValue: "missing argument to repetition operator")
        public static let trailingBackslash = Code(rawValue: "trailing backslash at end of expression")
        public static let unexpectedParenthesis = Code(rawValue: "unexpected )")
        public static let nestingTooDeep = Code(rawValue: "expression nests too deeply")
        public static let expressionTooLarge = Code(rawValue: "expression too large")
        /// A backreference such as `\1` or `(?P=name)`; RE2 syntax has none.
        public static let unsupportedBackreference = Code(rawValue: "unsupported backreference")
        /// A lookahead or lookbehind group; RE2 syntax has none.
        public static let unsupportedLookaround = Code(rawValue: "unsupported lookaround")
        /// A `\p{…}` name this engine does not know (Unicode scripts are not supported).
        public static let unsupportedUnicodeClass = Code(rawValue: "unsupported Unicode class")
    }

    public var code: Code
    /// The full, human-readable message, e.g. "error parsing regexp: missing closing ): `(ab`".
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Builds the Go-style message `error parsing regexp: <wording>: `<expression>`<hint>`.
    init(_ code: Code, wording: Code? = nil, expression: String, hint: String? = nil) {
        var text = "error parsing regexp: \((wording ?? code).rawValue): `\(expression)`"
        if let hint { text += " (\(hint))" }
        self.init(code: code, message: text)
    }

    public var description: String { message }
}
