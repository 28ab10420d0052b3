import Foundation
import PivotModel

/// The `Date` header's value (RFC 9110's IMF-fixdate, `Fri, 27 Nov 2026 23:01:01 GMT`), formatted
/// once per second.
struct HTTPDate {
    private var second: Int64 = .min
    private var text = ""

    /// The value for the current second.
    mutating func now() -> String {
        let current = Int64(Date().timeIntervalSince1970.rounded(.down))
        if current != second {
            second = current
            text = Self.format(secondsSinceEpoch: current)
        }
        return text
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(secondsSinceEpoch seconds: Int64) -> String {
        let time = CivilTime(secondsSinceEpoch: seconds)
        let inDay = time.secondOfDay
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(time.weekday)]), \(two(time.day)) \(months[Int(time.month - 1)]) \(time.year) "
            + "\(two(inDay / 3_600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }
}
