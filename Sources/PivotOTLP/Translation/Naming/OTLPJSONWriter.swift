/// Compact JSON as Go's `encoding/json` writes pdata's raw values.
enum OTLPJSONWriter {
    /// Appends `value` to `out`; false if it holds a NaN or infinite double.
    static func write(_ value: OTLPAnyValue, into out: inout String) -> Bool {
        switch value {
        case .empty: out += "null"
        case .string(let s): writeString(s, into: &out)
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            guard d.isFinite else { return false }
            out += OTLPNumberFormat.javaScriptStyle(d)
        case .bytes(let bytes): out += "\"" + OTLPNumberFormat.base64(bytes) + "\""
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                guard write(item, into: &out) else { return false }
            }
            out += "]"
        case .keyValueList(let attributes):
            var latest: [String: OTLPAnyValue] = [:]
            for attribute in attributes { latest[attribute.key] = attribute.value }
            let keys = latest.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            out += "{"
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                guard write(latest[key]!, into: &out) else { return false }
            }
            out += "}"
        }
        return true
    }

    private static let hexDigits = Array("0123456789abcdef".unicodeScalars)

    /// A JSON string literal with Go's escaping (HTML-safe).
    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += unicodeEscape(scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += unicodeEscape(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        var text = "\\u"
        for shift in stride(from: 12, through: 0, by: -4) {
            text.unicodeScalars.append(hexDigits[Int(value >> UInt32(shift) & 0xF)])
        }
        return text
    }
}
