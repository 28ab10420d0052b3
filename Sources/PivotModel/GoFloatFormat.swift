/// Go's float formatting, so printed numbers match Prometheus's output exactly.
public enum GoFloatFormat {
    /// `strconv.FormatFloat(value, 'f', -1, 64)`: shortest round-trip digits, never an exponent.
    /// Infinities are `+Inf`/`-Inf`, NaN is `NaN`.
    public static func fixed(_ value: Double) -> String {
        if let special = special(value) { return special }
        let (negative, digits, point) = shortestDigits(value)
        return (negative ? "-" : "") + renderFixed(digits: digits, point: point)
    }

    /// `fmt.Sprintf("%v", value)`: shortest digits, with an exponent (`1e+06`, `1e-05`) when the
    /// decimal exponent is below -4 or at least 6, as Go's `%g` with the shortest precision.
    ///
    /// `exponentThreshold` is 6 for `%g`; 21 gives `%v`'s choice for large values.
    public static func general(_ value: Double, exponentThreshold: Int = 6) -> String {
        if let special = special(value) { return special }
        let (negative, digits, point) = shortestDigits(value)
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        let exponent = point - 1
        if exponent < -4 || exponent >= exponentThreshold {
            return sign + renderExponent(digits: digits, exponent: exponent)
        }
        return sign + renderFixed(digits: digits, point: point)
    }

    /// A sample value as Prometheus's HTTP API writes it (`jsonutil.MarshalValue`, the rule of Go's
    /// `encoding/json`): `'e'` format when the magnitude is below 1e-6 or at least 1e21, `'f'`
    /// otherwise, shortest digits; `NaN`, `+Inf`, `-Inf`.
    public static func apiValue(_ value: Double) -> String {
        if let special = special(value) { return special }
        let magnitude = abs(value)
        guard magnitude != 0, magnitude < 1e-6 || magnitude >= 1e21 else { return fixed(value) }
        let (negative, digits, point) = shortestDigits(value)
        return (negative ? "-" : "") + renderExponent(digits: digits, exponent: point - 1)
    }

    /// `fmt.Sprintf("%f", value)` for values that are integers (and for infinities and NaN).
    public static func sixDecimals(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        guard value == value.rounded() else {
            let (negative, digits, point) = shortestDigits(value)
            return (negative ? "-" : "") + renderFixed(digits: digits, point: point)
        }
        return (value < 0 ? "-" : "") + exactIntegerDigits(abs(value)) + ".000000"
    }

    private static func special(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    /// The shortest decimal digits that round-trip (no leading or trailing zeros; empty for zero) and
    /// the position of the decimal point relative to them (`1.5` is digits "15", point 1).
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: [UInt8], point: Int) {
        let negative = value.sign == .minus
        var text = Substring(abs(value).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        var digits: [UInt8] = []
        var point = 0
        var seenDot = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                seenDot = true
                continue
            }
            digits.append(byte)
            if !seenDot { point += 1 }
        }
        point += exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { point = 0 }
        return (negative, digits, point)
    }

    private static func renderFixed(digits: [UInt8], point: Int) -> String {
        if digits.isEmpty { return "0" }
        let text = String(decoding: digits, as: UTF8.self)
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + text }
        if point >= digits.count { return text + String(repeating: "0", count: point - digits.count) }
        let split = text.index(text.startIndex, offsetBy: point)
        return String(text[..<split]) + "." + String(text[split...])
    }

    private static func renderExponent(digits: [UInt8], exponent: Int) -> String {
        var out = String(UnicodeScalar(digits[0]))
        if digits.count > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
        let magnitude = String(abs(exponent))
        out += (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
        return out
    }

    /// The exact decimal digits of a non-negative integral double.
    private static func exactIntegerDigits(_ value: Double) -> String {
        if value < 9_007_199_254_740_992 { return String(UInt64(value)) }
        var decimal: [UInt8] = Array(String(value.significandBitPattern | (1 << 52)).utf8).map { $0 - 48 }
        for _ in 0..<(Int(value.exponent) - 52) {
            var carry: UInt8 = 0
            for index in decimal.indices.reversed() {
                let doubled = decimal[index] * 2 + carry
                decimal[index] = doubled % 10
                carry = doubled / 10
            }
            if carry > 0 { decimal.insert(carry, at: 0) }
        }
        return String(decoding: decimal.map { $0 + 48 }, as: UTF8.self)
    }
}
