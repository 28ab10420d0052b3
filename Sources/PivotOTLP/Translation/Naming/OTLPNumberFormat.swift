/// Go-compatible renderings of numbers and bytes.
enum OTLPNumberFormat {
    /// The shortest round-trip decimal digits of a finite, non-zero `|d|` (no leading or trailing
    /// zeros) and the exponent `p` with `|d| = 0.digits × 10^p`.
    static func decimalDigits(_ d: Double) -> (digits: [UInt8], pointPosition: Int) {
        // Swift's description is the shortest round-trip representation, like Go's precision -1.
        let text = Array(abs(d).description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        for c in mantissa {
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { integerDigits += 1 }
        }
        var point = integerDigits + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, point)
    }

    /// Finite `d` as pdata/`encoding/json` print it: Go `'f'` format with shortest digits, or `'e'`
    /// format when `|d| < 1e-6` or `|d| >= 1e21`, with a negative one-digit exponent unpadded.
    static func javaScriptStyle(_ d: Double) -> String {
        let sign = d.sign == .minus ? "-" : ""
        if d == 0 { return sign + "0" }
        let (digits, point) = decimalDigits(d)
        let magnitude = abs(d)
        var out = sign
        if magnitude < 1e-6 || magnitude >= 1e21 {
            out.append(Character(Unicode.Scalar(digits[0])))
            if digits.count > 1 {
                out.append(".")
                out += String(decoding: digits[1...], as: UTF8.self)
            }
            let exponent = point - 1
            out += exponent < 0 ? "e-" : "e+"
            let magnitudeText = String(abs(exponent))
            // Go pads to two digits; pdata strips that padding again for negative exponents.
            if magnitudeText.count < 2, exponent >= 0 { out += "0" }
            out += magnitudeText
            return out
        }
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + String(decoding: digits, as: UTF8.self)
        } else if point >= digits.count {
            out += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: point - digits.count)
        } else {
            out += String(decoding: digits[..<point], as: UTF8.self) + "." + String(decoding: digits[point...], as: UTF8.self)
        }
        return out
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 (RFC 4648 §4) with `=` padding.
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(group >> 18 & 63)])
            out.append(base64Alphabet[Int(group >> 12 & 63)])
            out.append(i + 1 < bytes.count ? base64Alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? base64Alphabet[Int(group & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
