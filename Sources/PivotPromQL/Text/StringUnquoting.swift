/// Resolves a quoted PromQL string (`"…"`, `'…'` or `` `…` ``) to its bytes with Go's escape rules
/// (`\a \b \f \n \r \t \v \\ \" \'`, `\xHH`, `\ooo`, `\uHHHH`, `\UHHHHHHHH`), as Prometheus's
/// `strutil.Unquote` does. `\x` and octal escapes give single bytes, so the result may be invalid UTF-8.
enum StringUnquoting {
    /// The bytes of the string, or nil when the text is not a well-formed quoted string.
    static func unquote(_ quoted: String) -> [UInt8]? {
        let bytes = Array(quoted.utf8)
        guard bytes.count >= 2, let quote = bytes.first, quote == bytes.last else { return nil }
        let body = bytes[1..<(bytes.count - 1)]
        if quote == UInt8(ascii: "`") {
            return body.contains(quote) ? nil : Array(body)
        }
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"), !body.contains(UInt8(ascii: "\n")) else {
            return nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte == quote { return nil }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < body.endIndex else { return nil }
            let kind = body[index]
            index += 1
            switch kind {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"): out.append(kind)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                guard kind == quote else { return nil }
                out.append(kind)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = kind == UInt8(ascii: "x") ? 2 : kind == UInt8(ascii: "u") ? 4 : 8
                guard index + count <= body.endIndex else { return nil }
                var value: UInt32 = 0
                for digitByte in body[index..<(index + count)] {
                    guard let digit = hexValue(digitByte) else { return nil }
                    value = value << 4 | digit
                }
                index += count
                if kind == UInt8(ascii: "x") {
                    out.append(UInt8(value))
                } else {
                    guard value <= 0x10FFFF else { return nil }
                    let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard index + 2 <= body.endIndex else { return nil }
                var value = UInt32(kind - UInt8(ascii: "0"))
                for digitByte in body[index..<(index + 2)] {
                    guard digitByte >= UInt8(ascii: "0"), digitByte <= UInt8(ascii: "7") else { return nil }
                    value = value << 3 | UInt32(digitByte - UInt8(ascii: "0"))
                }
                index += 2
                guard value <= 255 else { return nil }
                out.append(UInt8(value))
            default:
                return nil
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
