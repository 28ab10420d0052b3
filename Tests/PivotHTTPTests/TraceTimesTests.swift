@testable import PivotHTTP
import Testing

/// The time, count and duration parameters of the Tempo and Jaeger APIs: every value either parses
/// or is a ParameterError naming the parameter, however large, small or malformed.
@Suite struct TraceTimesTests {
    @Test(arguments: ["5e10", "99999999999", "1e300", "Inf", "NaN", "-1", "-0.5", "abc", "1e19"])
    func unixSecondsOutOfRangeAreErrors(text: String) {
        // Seconds whose nanoseconds overflow 64 bits (5e10 s, year 3554) used to trap; now they are an error.
        #expect(throws: TraceTimes.ParameterError.self) { try TraceTimes.unixSeconds(text, name: "start") }
    }

    @Test func unixSecondsInRangeAreNanoseconds() throws {
        // Up to the year 2554 the value converts; absent or empty is nil.
        #expect(try TraceTimes.unixSeconds("1700000000.5", name: "start") == 1_700_000_000_500_000_000)
        #expect(try TraceTimes.unixSeconds("1.7e10", name: "start") == 17_000_000_000_000_000_000)
        #expect(try TraceTimes.unixSeconds("", name: "start") == nil)
        #expect(try TraceTimes.unixSeconds(nil, name: "start") == nil)
    }

    @Test(arguments: ["18446744073709551", "99999999999999999999", "-1", "1.5"])
    func unixMicrosecondsOutOfRangeAreErrors(text: String) {
        // Jaeger microseconds that overflow as nanoseconds, or are not whole, are errors.
        #expect(throws: TraceTimes.ParameterError.self) { try TraceTimes.unixMicroseconds(text, name: "end") }
    }
}
