/// Reads a flat JSON object whose values are strings (numbers, booleans and null are taken as their
/// text), such as Jaeger's `tags` parameter `{"http.status_code":"500"}`. Nested values are an error.
/// Keys keep their order.
enum JSONStringMap {
    static func parse(_ text: String) throws(TraceQLError) -> [(key: String, value: String)] {
        let bytes = Array(text.utf8)
        var i = 0
        func fail(_ what: String) -> TraceQLError {
            TraceQLError(code: .syntax, message: "invalid tags JSON: \(what)")
        }
        func skip() {
            while i < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[i]) { i += 1 }
        }
        func string() throws(TraceQLError) -> String {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    continue
                }
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let unit = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                        throw fail("invalid \\u escape")
                    }
                    i += 4
                    var scalarValue = unit
                    if (0xD800..<0xDC00).contains(unit), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                        let low = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16), (0xDC00..<0xE000).contains(low)
                    {
                        scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalarValue) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
            }
            throw fail("unterminated string")
        }
        skip()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail("expected an object") }
        i += 1
        var pairs: [(key: String, value: String)] = []
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skip()
                let key = try string()
                skip()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected \":\"") }
                i += 1
                skip()
                let value: String
                if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                    value = try string()
                } else {
                    let start = i
                    while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: " ")].contains(bytes[i]) { i += 1 }
                    value = String(decoding: bytes[start..<i], as: UTF8.self)
                    if value.isEmpty || value.hasPrefix("{") || value.hasPrefix("[") { throw fail("values must be strings") }
                }
                pairs.append((key, value))
                skip()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected \",\" or \"}\"") }
                i += 1
                break
            }
        }
        skip()
        guard i == bytes.count else { throw fail("unexpected text after the object") }
        return pairs
    }
}
