import PivotModel
import Testing

@Suite struct PrometheusDurationTests {
    @Test(arguments: [
        ("15d", 15 * 86_400_000), ("1h30m", 5_400_000), ("500ms", 500), ("0", 0), ("1y", 365 * 86_400_000),
        ("2w", 14 * 86_400_000), ("1d2h3m4s5ms", 93_784_005), ("90s", 90_000),
    ] as [(String, Int64)])
    func validDurationsParseToMilliseconds(text: String, expected: Int64) throws {
        // Prometheus duration syntax parses to milliseconds.
        #expect(try PrometheusDuration.milliseconds(text) == expected)
    }

    @Test(arguments: ["", "abc", "1", "1x", "1m1h", "-1s", "1.5h", "h", "1s1s", "99999999999999999999y"])
    func invalidDurationsAreRejected(text: String) {
        // Units out of order, missing units, decimals and overflow are errors.
        #expect(throws: PrometheusDuration.ParseError.self) { try PrometheusDuration.milliseconds(text) }
    }

    @Test func formattingUsesTheLargestUnits() {
        // Durations print with the largest units first, as Prometheus prints them.
        #expect(PrometheusDuration.format(milliseconds: 15 * 86_400_000) == "2w1d")
        #expect(PrometheusDuration.format(milliseconds: 93_784_005) == "1d2h3m4s5ms")
        #expect(PrometheusDuration.format(milliseconds: 0) == "0s")
    }
}
