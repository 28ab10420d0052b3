import PivotModel
import Testing

/// Calendar fields of Unix seconds, across leap days, century years and before the epoch.
@Suite struct CivilTimeTests {
    @Test(arguments: [
        (Int64(0), 1970, 1, 1, 0, 4), (951_825_600, 2000, 2, 29, 43_200, 2), (4_107_542_399, 2100, 2, 28, 86_399, 0),
        (4_107_542_400, 2100, 3, 1, 0, 1), (-1, 1969, 12, 31, 86_399, 3), (-86_400 * 365, 1969, 1, 1, 0, 3),
        (1_795_820_461, 2026, 11, 27, 82_861, 5),
    ] as [(Int64, Int64, Int64, Int64, Int64, Int64)])
    func fields(seconds: Int64, year: Int64, month: Int64, day: Int64, secondOfDay: Int64, weekday: Int64) {
        let time = CivilTime(secondsSinceEpoch: seconds)
        #expect([time.year, time.month, time.day, time.secondOfDay, time.weekday] == [year, month, day, secondOfDay, weekday])
    }

    @Test func leapYearsFollowTheGregorianRule() {
        #expect(CivilTime(secondsSinceEpoch: 951_825_600).isLeapYear)  // 2000
        #expect(!CivilTime(secondsSinceEpoch: 4_107_542_400).isLeapYear)  // 2100
        #expect(CivilTime(secondsSinceEpoch: 1_709_164_800).isLeapYear)  // 2024
    }
}
