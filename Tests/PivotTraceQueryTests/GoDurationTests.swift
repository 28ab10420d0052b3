import PivotTraceQuery
import Testing

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("100ms", UInt64(100_000_000)), ("1.5s", 1_500_000_000), ("1m30s", 90_000_000_000), ("2h", 7_200_000_000_000),
        ("10us", 10_000), ("10µs", 10_000), ("5ns", 5), ("0s", 0),
    ])
    func durationsBecomeNanoseconds(text: String, nanoseconds: UInt64) {
        // Go duration text, including fractions and compound forms, is read in nanoseconds.
        #expect(GoDuration.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["", "100", "ms", "1d", "1.5x", "-1s", "1e30h"])
    func otherTextIsNotADuration(text: String) {
        // Missing units, unknown units, signs and values past 64 bits are refused.
        #expect(GoDuration.nanoseconds(text) == nil)
    }
}
