/// Reads logfmt `key=value` pairs separated by spaces; keys and values may be `"quoted"` with
/// `\"` and `\\` escapes. A key without `=` or with an empty key is an error.
enum LogfmtPairs {
    static func parse(_ text: String) throws(TraceQLError) -> [(key: String, value: String)] {
        let bytes = Array(text.utf8)
        var i = 0
        var pairs: [(key: String, value: String)] = []
        func fail(_ what: String) -> TraceQLError {
            TraceQLError(code: .syntax, message: "invalid tags \"\(text)\": \(what)")
        }
        func token(stopAtEquals: Bool) throws(TraceQLError) -> String {
            var out: [UInt8] = []
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1 }
                    out.append(bytes[i])
                    i += 1
                }
                guard i < bytes.count else { throw fail("unterminated quote") }
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            while i < bytes.count, bytes[i] != UInt8(ascii: " "), bytes[i] != UInt8(ascii: "\t"),
                !(stopAtEquals && bytes[i] == UInt8(ascii: "="))
            {
                out.append(bytes[i])
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        while true {
            while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
            if i >= bytes.count { return pairs }
            let key = try token(stopAtEquals: true)
            if key.isEmpty { throw fail("empty key") }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("\"\(key)\" has no value") }
            i += 1
            let value = try token(stopAtEquals: false)
            pairs.append((key, value))
        }
    }
}
