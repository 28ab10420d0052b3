/// Prometheus's duration syntax: units `y w d h m s ms` in that order, each with a non-negative integer,
/// e.g. `15d`, `1h30m`, `500ms`, or `0`. A year is 365 days, a week 7 days (as in Prometheus).
public enum PrometheusDuration {
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 24 * 3_600_000), ("w", 7 * 24 * 3_600_000), ("d", 24 * 3_600_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses a duration into milliseconds.
    public static func milliseconds(_ text: String) throws(ParseError) -> Int64 {
        if text == "0" { return 0 }
        guard !text.isEmpty else { throw ParseError(message: "empty duration string") }
        let bytes = Array(text.utf8)
        var index = 0
        var nextUnit = 0
        var total: Int64 = 0
        while index < bytes.count {
            var number: Int64 = 0
            let digitsStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (m, o1) = number.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
                if o1 || o2 { throw ParseError(message: "duration out of range: \"\(text)\"") }
                number = a
                index += 1
            }
            guard index > digitsStart else { throw ParseError(message: "not a valid duration string: \"\(text)\"") }
            var unitEnd = index
            while unitEnd < bytes.count, bytes[unitEnd] >= UInt8(ascii: "a"), bytes[unitEnd] <= UInt8(ascii: "z") {
                unitEnd += 1
            }
            let suffix = String(decoding: bytes[index..<unitEnd], as: UTF8.self)
            guard let unitIndex = units.firstIndex(where: { $0.suffix == suffix }), unitIndex >= nextUnit else {
                throw ParseError(message: "not a valid duration string: \"\(text)\"")
            }
            let (product, o1) = number.multipliedReportingOverflow(by: units[unitIndex].milliseconds)
            let (sum, o2) = total.addingReportingOverflow(product)
            if o1 || o2 { throw ParseError(message: "duration out of range: \"\(text)\"") }
            total = sum
            nextUnit = unitIndex + 1
            index = unitEnd
        }
        return total
    }

    /// Formats milliseconds the way Prometheus prints durations (`1d2h`, `15d`, `500ms`, `0s`).
    public static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = milliseconds < 0 ? "-" : ""
        rest = rest.magnitude > Int64.max.magnitude ? Int64.max : abs(rest)
        for unit in units where rest >= unit.milliseconds {
            out += "\(rest / unit.milliseconds)\(unit.suffix)"
            rest %= unit.milliseconds
        }
        return out
    }
}
