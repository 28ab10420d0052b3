/// A moment in UTC as calendar fields, from seconds since the Unix epoch: the proleptic Gregorian
/// calendar (PromQL's date functions, the HTTP `Date` header).
public struct CivilTime: Hashable, Sendable {
    /// Whole days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int64
    /// Seconds into that day, 0 to 86,399.
    public var secondOfDay: Int64
    public var year: Int64
    /// 1 to 12.
    public var month: Int64
    /// 1 to 31.
    public var day: Int64

    public init(secondsSinceEpoch seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        daysSinceEpoch = days
        secondOfDay = seconds - days * 86_400
        // Counted in 400-year eras that start on 1 March, so the leap day ends each year.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// 0 for Sunday to 6 for Saturday.
    public var weekday: Int64 { ((daysSinceEpoch % 7) + 11) % 7 }

    public var isLeapYear: Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
}
