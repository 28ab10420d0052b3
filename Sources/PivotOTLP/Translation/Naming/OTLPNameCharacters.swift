/// Character classes of classic Prometheus names.
enum OTLPNameCharacters {
    /// `[a-zA-Z0-9:]` (the underscore is handled separately by callers).
    static func isClassicMetricCharacter(_ s: Unicode.Scalar) -> Bool {
        isClassicLabelCharacter(s) || s == ":"
    }

    /// `[a-zA-Z0-9]` (the underscore is handled separately by callers).
    static func isClassicLabelCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    /// True if the first byte of `s` is an ASCII digit.
    static func startsWithDigit(_ s: String) -> Bool {
        guard let first = s.utf8.first else { return false }
        return first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
    }

    /// True if `s` consists of `_` only (true for "").
    static func isOnlyUnderscores(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == UInt8(ascii: "_") }
    }
}
