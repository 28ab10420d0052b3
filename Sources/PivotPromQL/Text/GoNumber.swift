/// Go's number syntax, as PromQL and the conformance scripts use it: `strconv.ParseInt(s, 0, 64)`
/// (decimal, `0x` hex, `0o`/leading-`0` octal, `0b` binary, `_` separators) and, when that fails,
/// `strconv.ParseFloat(s, 64)` (decimals, exponents, hex floats with a `p` exponent, `Inf`, `NaN`).
public enum GoNumber {
    /// Why a number did not parse; `description` matches Go's `strconv.NumError` text.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Reason: String, Hashable, Sendable {
            case invalidSyntax = "invalid syntax"
            case outOfRange = "value out of range"
        }

        public var function: String
        public var text: String
        public var reason: Reason

        public var description: String {
            "strconv.\(function): parsing \(GoQuote.quote(text)): \(reason.rawValue)"
        }
    }

    /// `ParseInt(text, 0, 64)` and, if that fails, `ParseFloat(text, 64)`; the float error is reported.
    public static func parse(_ text: String) throws(Failure) -> Double {
        if case .success(let value) = parseInt(text) { return Double(value) }
        return try parseFloat(text).get()
    }

    /// `strconv.ParseInt(text, 0, 64)`.
    public static func parseInt(_ text: String) -> Result<Int64, Failure> {
        let failure = { (reason: Failure.Reason) in Failure(function: "ParseInt", text: text, reason: reason) }
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return .failure(failure(.invalidSyntax)) }
        let unsignedText = Array(bytes)
        var digits = unsignedText[...]
        var base: UInt64 = 10
        if digits.first == UInt8(ascii: "0") {
            let second = digits.count >= 3 ? digits[digits.startIndex + 1] | 0x20 : 0
            switch second {
            case UInt8(ascii: "b"): base = 2; digits = digits.dropFirst(2)
            case UInt8(ascii: "o"): base = 8; digits = digits.dropFirst(2)
            case UInt8(ascii: "x"): base = 16; digits = digits.dropFirst(2)
            default: base = 8; digits = digits.dropFirst()
            }
        }
        var value: UInt64 = 0
        var sawUnderscore = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                sawUnderscore = true
                continue
            }
            guard let digit = digitValue(byte), UInt64(digit) < base else { return .failure(failure(.invalidSyntax)) }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: base)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return .failure(failure(.outOfRange)) }
            value = sum
        }
        if sawUnderscore && !underscoresAreValid(unsignedText) { return .failure(failure(.invalidSyntax)) }
        if negative {
            if value > UInt64(Int64.max) + 1 { return .failure(failure(.outOfRange)) }
            return .success(value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value))
        }
        if value > UInt64(Int64.max) { return .failure(failure(.outOfRange)) }
        return .success(Int64(value))
    }

    /// `strconv.ParseFloat(text, 64)`.
    public static func parseFloat(_ text: String) -> Result<Double, Failure> {
        let failure = { (reason: Failure.Reason) in Failure(function: "ParseFloat", text: text, reason: reason) }
        if let special = specialValue(text) { return .success(special) }
        let bytes = Array(text.utf8)
        var index = 0
        var cleaned = ""
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            cleaned.unicodeScalars.append(Unicode.Scalar(bytes[index]))
            index += 1
        }
        var isHex = false
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "0"), bytes[index + 1] | 0x20 == UInt8(ascii: "x") {
            isHex = true
            cleaned += "0x"
            index += 2
        }
        var sawDigits = false
        var sawDot = false
        var sawUnderscore = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                sawUnderscore = true
            } else if byte == UInt8(ascii: ".") {
                if sawDot { break }
                sawDot = true
                cleaned += "."
            } else if let digit = digitValue(byte), digit < (isHex ? 16 : 10) {
                sawDigits = true
                cleaned.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                break
            }
            index += 1
        }
        guard sawDigits else { return .failure(failure(.invalidSyntax)) }
        let exponentMark = isHex ? UInt8(ascii: "p") : UInt8(ascii: "e")
        if index < bytes.count, bytes[index] | 0x20 == exponentMark {
            cleaned.unicodeScalars.append(Unicode.Scalar(exponentMark))
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                cleaned.unicodeScalars.append(Unicode.Scalar(bytes[index]))
                index += 1
            }
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                return .failure(failure(.invalidSyntax))
            }
            while index < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) || bytes[index] == UInt8(ascii: "_")
            {
                if bytes[index] == UInt8(ascii: "_") {
                    sawUnderscore = true
                } else {
                    cleaned.unicodeScalars.append(Unicode.Scalar(bytes[index]))
                }
                index += 1
            }
        } else if isHex {
            return .failure(failure(.invalidSyntax))
        }
        guard index == bytes.count else { return .failure(failure(.invalidSyntax)) }
        if sawUnderscore && !underscoresAreValid(bytes) { return .failure(failure(.invalidSyntax)) }
        guard let value = Double(cleaned) else { return .failure(failure(.invalidSyntax)) }
        if value.isInfinite { return .failure(failure(.outOfRange)) }
        return .success(value)
    }

    /// `inf`, `infinity` (optionally signed) and `nan`, case-insensitive, covering the whole text.
    private static func specialValue(_ text: String) -> Double? {
        var rest = Substring(text.lowercased())
        var sign = 1.0
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
            return rest == "inf" || rest == "infinity" ? sign * .infinity : nil
        }
        if rest == "inf" || rest == "infinity" { return .infinity }
        if rest == "nan" { return .nan }
        return nil
    }

    /// Go's `underscoreOK`: `_` only between digits, or between a base prefix and a digit.
    static func underscoresAreValid(_ bytes: [UInt8]) -> Bool {
        var text = bytes[...]
        if let first = text.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { text = text.dropFirst() }
        enum Last { case start, digit, underscore, other }
        var last = Last.start
        var hex = false
        if text.count >= 2, text.first == UInt8(ascii: "0"),
            [UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "x")].contains(text[text.startIndex + 1] | 0x20)
        {
            hex = text[text.startIndex + 1] | 0x20 == UInt8(ascii: "x")
            text = text.dropFirst(2)
            last = .digit
        }
        for byte in text {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (hex && (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20))
            {
                last = .digit
                continue
            }
            if byte == UInt8(ascii: "_") {
                if last != .digit { return false }
                last = .underscore
                continue
            }
            if last == .underscore { return false }
            last = .other
        }
        return last != .underscore
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
