import Foundation

/// Times and durations in Prometheus API parameters.
public enum APITime {
    /// The smallest and largest times Prometheus accepts (its `MinTime`/`MaxTime`), in milliseconds.
    public static let minTime: Int64 = -9_223_309_901_257_974
    public static let maxTime: Int64 = 9_223_309_901_257_974

    /// Parses float Unix seconds (`1700000000.123`) or RFC 3339 (`2023-11-14T22:13:20.123Z`) into
    /// milliseconds, rounding as Prometheus does.
    public static func milliseconds(_ text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite {
            let ms = (seconds * 1000).rounded()
            guard ms >= Double(minTime), ms <= Double(maxTime) else { return ms < 0 ? minTime : maxTime }
            return Int64(ms)
        }
        if let date = rfc3339(text) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        switch text {
        case "-292273086-05-16T16:47:06Z": return minTime
        case "292277025-08-18T07:12:54.999999999Z": return maxTime
        default: return nil
        }
    }

    static func rfc3339(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }

    /// A time parameter, or `defaultValue` when absent; a bad value is a `bad_data` error naming it.
    static func parameter(_ parameters: APIParameters, _ name: String, default defaultValue: Int64) throws(APIError) -> Int64 {
        guard let text = parameters.first(name), !text.isEmpty else { return defaultValue }
        guard let ms = milliseconds(text) else {
            throw APIError(.badData, "invalid time value for '\(name)': cannot parse \"\(text)\" to a valid timestamp")
        }
        return ms
    }
}
