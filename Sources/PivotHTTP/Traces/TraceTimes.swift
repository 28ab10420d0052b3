import PivotTraceQuery

/// Query parameters of the trace APIs: Unix seconds (Tempo), microseconds (Jaeger), Go durations.
enum TraceTimes {
    struct ParameterError: Error {
        var message: String
    }

    /// Unix seconds (integer or decimal) as nanoseconds; nil when absent or empty. Negative, NaN
    /// and times whose nanoseconds do not fit 64 bits (after the year 2554) are errors.
    static func unixSeconds(_ text: String?, name: String) throws(ParameterError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        guard let seconds = Double(text), seconds >= 0, seconds * 1e9 < 1.8e19 else {
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

    /// A Go duration (`300ms`, `1.5s`, `1m30s`) as nanoseconds; nil when absent or empty.
    static func goDuration(_ text: String?, name: String) throws(ParameterError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        guard let nanoseconds = GoDuration.nanoseconds(text) else {
            throw ParameterError(message: "invalid \(name) \"\(text)\": expected a duration such as 100ms or 1.5s")
        }
        return nanoseconds
    }
}
