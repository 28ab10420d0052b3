extension Lexer {
    /// A string in `"…"` or `'…'`; the opening quote has been read. Escapes are checked here (Go's rules)
    /// and resolved later by `StringUnquoting`.
    mutating func lexString(quote: Unicode.Scalar) -> Token {
        while true {
            guard let rune = next(), rune != "\n" else { return error("unterminated quoted string") }
            if rune == "\\" {
                if let failure = checkEscape(quote: quote) { return error(failure) }
                continue
            }
            if rune == "\u{FFFD}" { return error("invalid UTF-8 rune") }
            if rune == quote { return emit(.string) }
        }
    }

    /// A string in backquotes, taken literally; the opening quote has been read.
    mutating func lexRawString() -> Token {
        while true {
            guard let rune = next() else { return error("unterminated raw string") }
            if rune == "\u{FFFD}" { return error("invalid UTF-8 rune") }
            if rune == "`" { return emit(.string) }
        }
    }

    /// Reads one escape sequence after `\`; returns the error message when it is not a valid Go escape.
    private mutating func checkEscape(quote: Unicode.Scalar) -> String? {
        guard var rune = next() else { return "escape sequence not terminated" }
        let count: Int
        let base: UInt32
        let maximum: UInt32
        switch rune {
        case "a", "b", "f", "n", "r", "t", "v", "\\", quote:
            return nil
        case "0"..."7":
            (count, base, maximum) = (3, 8, 255)
        case "x":
            (count, base, maximum) = (2, 16, 255)
            guard let digit = next() else { return "escape sequence not terminated" }
            rune = digit
        case "u":
            (count, base, maximum) = (4, 16, 0x10FFFF)
            guard let digit = next() else { return "escape sequence not terminated" }
            rune = digit
        case "U":
            (count, base, maximum) = (8, 16, 0x10FFFF)
            guard let digit = next() else { return "escape sequence not terminated" }
            rune = digit
        default:
            return "unknown escape sequence \(GoQuote.unicodeNotation(rune))"
        }
        var value: UInt32 = 0
        for remaining in stride(from: count, to: 0, by: -1) {
            guard let digit = Lexer.digitValue(rune), digit < base else {
                return "illegal character \(GoQuote.unicodeNotation(rune)) in escape sequence"
            }
            value = value * base + digit
            if remaining > 1 {
                guard let following = next() else { return "escape sequence not terminated" }
                rune = following
            }
        }
        if value > maximum || (0xD800..<0xE000).contains(value) {
            return "escape sequence is an invalid Unicode code point"
        }
        return nil
    }

    private static func digitValue(_ rune: Unicode.Scalar) -> UInt32? {
        switch rune {
        case "0"..."9": rune.value - 48
        case "a"..."f": rune.value - 87
        case "A"..."F": rune.value - 55
        default: nil
        }
    }
}
