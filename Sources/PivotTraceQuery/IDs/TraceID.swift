import PivotModel

/// Trace and span id text forms: the one place where ids are parsed from and printed to hex.
///
/// Parsing follows Tempo: hex digits of any case, an odd count gets a leading zero, and the result
/// is left-padded with zero bytes to 16 bytes, so `"abc"` and `"00000000000000000000000000000abc"`
/// name the same trace. Printing always gives the full width in lower case.
public enum TraceID {
    /// The 16 bytes of the trace id written as 1–32 hex digits (any case). Throws for empty text,
    /// a character that is not a hex digit, or more than 32 digits.
    public static func parse(_ text: String) throws(TraceIDError) -> [UInt8] {
        try parseHex(text, width: 16, what: "trace id")
    }

    /// 32 lower-case hex digits (bytes beyond 16 are printed too; fewer than 16 are left-padded).
    public static func hex(_ bytes: [UInt8]) -> String {
        hexDigits(bytes, width: 16)
    }

    /// The 8 bytes of a span id written as 1–16 hex digits (any case), left-padded like trace ids.
    public static func parseSpanID(_ text: String) throws(TraceIDError) -> [UInt8] {
        try parseHex(text, width: 8, what: "span id")
    }

    /// 16 lower-case hex digits for an 8-byte span id (left-padded when shorter).
    public static func spanHex(_ bytes: [UInt8]) -> String {
        hexDigits(bytes, width: 8)
    }

    static func parseHex(_ text: String, width: Int, what: String) throws(TraceIDError) -> [UInt8] {
        let digits = Array(text.utf8)
        if digits.isEmpty {
            throw TraceIDError(code: .empty, message: "invalid \(what) \"\": empty")
        }
        if digits.count > width * 2 {
            throw TraceIDError(
                code: .tooLong, message: "invalid \(what) \"\(text)\": \(digits.count) hex digits, at most \(width * 2) allowed")
        }
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(width * 2)
        for _ in 0..<(width * 2 - digits.count) { nibbles.append(0) }
        for c in digits {
            guard let n = hexValue(c) else {
                throw TraceIDError(code: .notHex, message: "invalid \(what) \"\(text)\": not a hex string")
            }
            nibbles.append(n)
        }
        var bytes = [UInt8](repeating: 0, count: width)
        for i in 0..<width { bytes[i] = nibbles[2 * i] << 4 | nibbles[2 * i + 1] }
        return bytes
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        Hex.value(ofDigit: c)
    }

    /// Lower-case digits of `bytes`, left-padded with zeros to `width` bytes.
    static func hexDigits(_ bytes: [UInt8], width: Int) -> String {
        let padding = bytes.count < width ? String(repeating: "0", count: (width - bytes.count) * 2) : ""
        return padding + Hex.lowercase(bytes)
    }
}
