import PivotPromQL
import Testing

@Suite("Go number syntax and Prometheus durations")
struct NumberAndDurationTests {
    @Test("integers parse with Go's base prefixes and separators", arguments: [
        ("0", 0.0), ("42", 42), ("-7", -7), ("+7", 7), ("0x1f", 31), ("0X1F", 31), ("0o17", 15), ("017", 15),
        ("0b101", 5), ("1_000_000", 1_000_000), ("0x_ff", 255), ("9223372036854775807", 9_223_372_036_854_775_807),
    ])
    func integers(_ text: String, _ value: Double) throws {
        // Expects ParseInt(s, 0, 64) semantics, converted to a float.
        #expect(try GoNumber.parse(text) == value)
    }

    @Test("floats parse with Go's ParseFloat rules", arguments: [
        ("1.5", 1.5), (".5", 0.5), ("5.", 5), ("1e3", 1000), ("1E-3", 0.001), ("2.5e+10", 2.5e10), ("09", 9),
        ("1_0.5", 10.5), ("0x1p-2", 0.25), ("0x1.8p1", 3), ("99999999999999999999", 1e20), ("1e-400", 0),
    ])
    func floats(_ text: String, _ value: Double) throws {
        // Expects the same value as Go, including hex floats and integers too large for int64.
        #expect(try GoNumber.parse(text) == value)
    }

    @Test("special values are case-insensitive")
    func specials() throws {
        // Expects Inf, Infinity (signed) and NaN in any case.
        #expect(try GoNumber.parse("Inf") == .infinity)
        #expect(try GoNumber.parse("+inf") == .infinity)
        #expect(try GoNumber.parse("-Infinity") == -.infinity)
        #expect(try GoNumber.parse("nAn").isNaN)
    }

    @Test("malformed numbers fail with Go's message", arguments: [
        ("", "invalid syntax"), ("1_", "invalid syntax"), ("_1", "invalid syntax"), ("1__0", "invalid syntax"),
        ("0x", "invalid syntax"), ("0x10.8", "invalid syntax"), ("1e", "invalid syntax"), ("-nan", "invalid syntax"),
        ("1e400", "value out of range"), ("1.2.3", "invalid syntax"), ("abc", "invalid syntax"),
    ])
    func malformed(_ text: String, _ reason: String) throws {
        // Expects the float parser's error, as Go reports it after the integer parser failed.
        let failure = try #require(throws: GoNumber.Failure.self) { try GoNumber.parse(text) }
        #expect(failure.description == "strconv.ParseFloat: parsing \(quoted(text)): \(reason)")
    }

    private func quoted(_ text: String) -> String { "\"" + text + "\"" }

    @Test("integer parsing reports overflow")
    func intOverflow() {
        // Expects ParseInt to fail on values beyond int64 and accept the minimum.
        #expect(throws: GoNumber.Failure.self) { try GoNumber.parseInt("9223372036854775808").get() }
        #expect((try? GoNumber.parseInt("-9223372036854775808").get()) == Int64.min)
    }

    @Test("durations parse to milliseconds", arguments: [
        ("0", 0 as Int64), ("5m", 300_000), ("1h30m", 5_400_000), ("10s53ms", 10_053), ("1d", 86_400_000),
        ("2w", 1_209_600_000), ("1y", 31_536_000_000), ("1y2w3d4h5m6s7ms", 33_019_506_007), ("0s", 0),
    ])
    func durations(_ text: String, _ milliseconds: Int64) throws {
        // Expects model.ParseDuration's value, with a year of 365 days and a week of 7 days.
        #expect(try parseDuration(text) == milliseconds)
    }

    @Test("malformed durations fail with Prometheus's message", arguments: [
        ("", "empty duration string"), ("5", "not a valid duration string: \"5\""),
        ("1m1h", "not a valid duration string: \"1m1h\""), ("1m1m", "not a valid duration string: \"1m1m\""),
        ("1.5m", "unknown unit \".\" in duration \"1.5m\""), ("-5m", "not a valid duration string: \"-5m\""),
        ("5x", "unknown unit \"x\" in duration \"5x\""), ("300y", "duration out of range"),
        ("m", "not a valid duration string: \"m\""),
    ])
    func malformedDurations(_ text: String, _ message: String) throws {
        // Expects model.ParseDuration's error text.
        let error = try #require(throws: ParseError.self) { try parseDuration(text) }
        #expect(error.message == message)
    }
}
