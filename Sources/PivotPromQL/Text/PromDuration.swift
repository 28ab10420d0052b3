/// Prometheus's duration syntax (`model.ParseDuration` / `model.Duration.String`): one or more
/// `<integer><unit>` groups with units `y w d h m s ms` in that order, e.g. `1h30m`, `10s53ms`; `0` alone
/// is allowed. A year is 365 days, a week 7 days. No sign, no fractions.
enum PromDuration {
    private static let units: [(name: String, order: Int, nanoseconds: UInt64)] = [
        ("ms", 7, 1_000_000), ("s", 6, 1_000_000_000), ("m", 5, 60_000_000_000), ("h", 4, 3_600_000_000_000),
        ("d", 3, 86_400_000_000_000), ("w", 2, 604_800_000_000_000), ("y", 1, 31_536_000_000_000_000),
    ]

    /// Prometheus's message for a malformed duration.
    struct SyntaxError: Error, Hashable, Sendable {
        var message: String
    }

    /// The duration in nanoseconds, or the message Prometheus gives for the text.
    static func parseNanoseconds(_ text: String) -> Result<Int64, SyntaxError> {
        if text == "0" { return .success(0) }
        if text.isEmpty { return .failure(SyntaxError(message: "empty duration string")) }
        let invalid = "not a valid duration string: \(GoQuote.quote(text))"
        let bytes = Array(text.utf8)
        var index = 0
        var total: UInt64 = 0
        var lastOrder = 0
        while index < bytes.count {
            let digitStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitStart else { return .failure(SyntaxError(message: invalid)) }
            guard let value = UInt64(String(decoding: bytes[digitStart..<index], as: UTF8.self)) else {
                return .failure(SyntaxError(message: invalid))
            }
            let unitStart = index
            while index < bytes.count, !isDigit(bytes[index]) { index += 1 }
            guard index > unitStart else { return .failure(SyntaxError(message: invalid)) }
            let unitName = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            guard let unit = units.first(where: { $0.name == unitName }) else {
                let message = "unknown unit \(GoQuote.quote(unitName)) in duration \(GoQuote.quote(text))"
                return .failure(SyntaxError(message: message))
            }
            guard unit.order > lastOrder else { return .failure(SyntaxError(message: invalid)) }
            lastOrder = unit.order
            if value > (UInt64(1) << 63) / unit.nanoseconds {
                return .failure(SyntaxError(message: "duration out of range"))
            }
            total += value * unit.nanoseconds
            if total > UInt64(Int64.max) { return .failure(SyntaxError(message: "duration out of range")) }
        }
        return .success(Int64(total))
    }

    /// `model.Duration.String()` of a duration in milliseconds: `1h30m`, `90d`, `1y`, `0s`; negative
    /// values get a leading `-`. Years and weeks are used only when they divide the rest exactly.
    static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        let steps: [(String, UInt64, Bool)] = [
            ("y", 31_536_000_000, true), ("w", 604_800_000, true), ("d", 86_400_000, false), ("h", 3_600_000, false),
            ("m", 60_000, false), ("s", 1_000, false), ("ms", 1, false),
        ]
        for (unit, size, onlyIfExact) in steps {
            if onlyIfExact && rest % size != 0 { continue }
            let count = rest / size
            if count > 0 {
                out += "\(count)\(unit)"
                rest -= count * size
            }
        }
        return out
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
