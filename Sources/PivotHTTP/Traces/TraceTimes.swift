/// Query parameters of the trace APIs: Unix seconds (Tempo), microseconds (Jaeger), Go durations.
enum TraceTimes {
    struct ParameterError: Error {
        var message: String
    }

    /// Unix seconds (integer or decimal) as nanoseconds; nil when absent or empty.
    static func unixSeconds(_ text: String?, name: String) throws(ParameterError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds >= 0, seconds < 1e11 else {
            throw ParameterError(message: "invalid \(name) \"\(text)\": expected Unix seconds")
        }
        return UInt64(seconds * 1e9)
    }

    /// Unix microseconds (Jaeger) as nanoseconds; nil when absent or empty.
    static func unixMicroseconds(_ text: String?, name: String) throws(ParameterError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        guard let micros = UInt64(text), micros < UInt64.max / 1_000 else {
            throw ParameterError(message: "invalid \(name) \"\(text)\": expected Unix microseconds")
        }
        return micros * 1_000
    }

    static func positiveInt(_ text: String?, name: String) throws(ParameterError) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ParameterError(message: "invalid \(name) \"\(text)\": expected a positive integer")
        }
        return value
    }

    /// A Go duration (`300ms`, `1.5s`, `1m30s`, `2h`; units ns, us, µs, ms, s, m, h) as nanoseconds.
    static func goDuration(_ text: String?, name: String) throws(ParameterError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        let invalid = ParameterError(message: "invalid \(name) \"\(text)\": expected a duration such as 100ms or 1.5s")
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw invalid }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !$0.isNumber && $0 != "." }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3_600e9
            default: throw invalid
            }
            total += value * scale
        }
        guard total < 1.8e19 else { throw invalid }
        return UInt64(total)
    }
}
