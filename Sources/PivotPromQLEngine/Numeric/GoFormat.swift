/// Go's number and string formatting where Prometheus's messages and labels depend on it.
enum GoFormat {
    /// `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, no exponent; `+Inf`, `-Inf`, `NaN`.
    static func fixed(_ value: Double) -> String {
        if let special = special(value) { return special }
        let (negative, digits, point) = shortestDigits(value)
        return (negative ? "-" : "") + renderFixed(digits, point)
    }

    /// `%g`/`%v`-style shortest formatting with an exponent when the decimal exponent is below -4 or
    /// at least `exponentThreshold` (6 for `%g`, 21 for `%v`).
    static func general(_ value: Double, exponentThreshold: Int = 6) -> String {
        if let special = special(value) { return special }
        let (negative, digits, point) = shortestDigits(value)
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        let exponent = point - 1
        if exponent < -4 || exponent >= exponentThreshold {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + String(digits.dropFirst()) }
            let magnitude = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        return sign + renderFixed(digits, point)
    }

    /// `%q` of bytes: double quotes, Go escapes, `\xNN` for bytes that are not valid UTF-8.
    static func quote(bytes: [UInt8]) -> String {
        var out = "\""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let width = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            if width > 1, index + width <= bytes.count,
               let text = String(validating: bytes[index..<index + width], as: UTF8.self) {
                out += text
                index += width
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x0a: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0d: out += "\\r"
            case 0x20..<0x7f: out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            }
            index += 1
        }
        return out + "\""
    }

    private static func special(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    /// Shortest round-trip decimal digits (no leading/trailing zeros; empty for zero) and the position
    /// of the decimal point relative to them.
    private static func shortestDigits(_ value: Double) -> (negative: Bool, digits: [Character], point: Int) {
        var text = Substring(abs(value).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var digits: [Character] = []
        var point = 0
        var seenDot = false
        for ch in text {
            if ch == "." { seenDot = true; continue }
            digits.append(ch)
            if !seenDot { point += 1 }
        }
        point += exponent
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { point = 0 }
        return (value.sign == .minus, digits, point)
    }

    private static func renderFixed(_ digits: [Character], _ point: Int) -> String {
        if digits.isEmpty { return "0" }
        let text = String(digits)
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + text }
        if point >= digits.count { return text + String(repeating: "0", count: point - digits.count) }
        return String(digits[..<point]) + "." + String(digits[point...])
    }
}
