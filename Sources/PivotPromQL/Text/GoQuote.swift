/// Go's quoting rules (`strconv.Quote`, `%q`, `%#U`), so that printed queries and error messages match
/// Prometheus's byte for byte.
public enum GoQuote {
    /// `strconv.Quote`: double quotes, Go escapes, non-printable runes and invalid bytes escaped.
    public static func quote(_ text: String) -> String { quote(bytes: Array(text.utf8)) }

    /// `strconv.Quote` of arbitrary bytes (invalid UTF-8 comes out as `\xNN`).
    public static func quote(bytes: [UInt8], quote mark: Unicode.Scalar = "\"") -> String {
        quote(bytes: bytes, quote: mark, escapingReplacementCharacter: false)
    }

    /// `strconv.Quote` for text that must parse back as PromQL: like `quote`, but U+FFFD is written as
    /// `\ufffd`, because the lexer (as Prometheus's) refuses that character written out (it reads it as
    /// invalid UTF-8), while a query may produce it through an escape (`"\ufffd"`, or `"\xff"` in a label value).
    public static func quoteForQuery(_ text: String) -> String {
        quote(bytes: Array(text.utf8), quote: "\"", escapingReplacementCharacter: true)
    }

    /// `quoteForQuery` of arbitrary bytes.
    public static func quoteForQuery(bytes: [UInt8]) -> String {
        quote(bytes: bytes, quote: "\"", escapingReplacementCharacter: true)
    }

    private static func quote(bytes: [UInt8], quote mark: Unicode.Scalar, escapingReplacementCharacter: Bool) -> String {
        var out = String(mark)
        var index = 0
        while index < bytes.count {
            guard let (scalar, width) = UTF8Decoding.decode(bytes, at: index) else {
                out += "\\x" + hex(UInt32(bytes[index]), width: 2)
                index += 1
                continue
            }
            if escapingReplacementCharacter && scalar == "\u{FFFD}" {
                out += "\\ufffd"
            } else {
                appendEscaped(scalar, quote: mark, to: &out)
            }
            index += width
        }
        out.unicodeScalars.append(mark)
        return out
    }

    /// `%q` of a rune: single quotes (`'}'`). A missing rune (end of input) prints as U+FFFD.
    static func quoteRune(_ scalar: Unicode.Scalar?) -> String {
        var out = "'"
        appendEscaped(scalar ?? "\u{FFFD}", quote: "'", to: &out)
        return out + "'"
    }

    /// `%#U`: `U+0063 'c'`, without the character when it is not printable.
    static func unicodeNotation(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + hex(scalar.value, width: 4).uppercased()
        return isPrint(scalar) ? "\(code) '\(Character(scalar))'" : code
    }

    /// `%.Nq`: quotes the first `maxRunes` runes of `text`.
    static func quote(_ text: String, maxRunes: Int) -> String {
        quote(String(String.UnicodeScalarView(text.unicodeScalars.prefix(maxRunes))))
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x100 {
            return (0x20...0x7E).contains(value) || ((0xA1...0xFF).contains(value) && value != 0xAD)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote mark: Unicode.Scalar, to out: inout String) {
        if scalar == mark || scalar == "\\" {
            out += "\\"
            out.unicodeScalars.append(scalar)
            return
        }
        if isPrint(scalar) {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar.value {
        case 0x07: out += "\\a"
        case 0x08: out += "\\b"
        case 0x0C: out += "\\f"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x0B: out += "\\v"
        case let value where value < 0x20 || value == 0x7F: out += "\\x" + hex(value, width: 2)
        case let value where value < 0x10000: out += "\\u" + hex(value, width: 4)
        case let value: out += "\\U" + hex(value, width: 8)
        }
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// UTF-8 decoding with Go's validity rules (no overlong forms, no surrogates, at most U+10FFFF).
enum UTF8Decoding {
    /// The scalar starting at `index` and its width in bytes, or nil when the bytes there are not valid UTF-8.
    static func decode(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let first = bytes[index]
        if first < 0x80 { return (Unicode.Scalar(first), 1) }
        let width: Int
        var value: UInt32
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: width = 2; value = UInt32(first & 0x1F)
        case 0xE0: width = 3; value = UInt32(first & 0x0F); lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: width = 3; value = UInt32(first & 0x0F)
        case 0xED: width = 3; value = UInt32(first & 0x0F); upper = 0x9F
        case 0xF0: width = 4; value = UInt32(first & 0x07); lower = 0x90
        case 0xF1...0xF3: width = 4; value = UInt32(first & 0x07)
        case 0xF4: width = 4; value = UInt32(first & 0x07); upper = 0x8F
        default: return nil
        }
        guard index + width <= bytes.count else { return nil }
        for offset in 1..<width {
            let byte = bytes[index + offset]
            let (low, high): (UInt8, UInt8) = offset == 1 ? (lower, upper) : (0x80, 0xBF)
            guard byte >= low, byte <= high else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, width)
    }

    /// Whether `bytes` are entirely valid UTF-8.
    static func isValid(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            guard let (_, width) = decode(bytes, at: index) else { return false }
            index += width
        }
        return true
    }
}
