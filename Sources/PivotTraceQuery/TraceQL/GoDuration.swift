/// Go duration text, as Tempo and Jaeger take it (`300ms`, `1.5s`, `1m30s`) and TraceQL writes its
/// duration literals: one unit table for both.
public enum GoDuration {
    /// Nanoseconds in one `unit` (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`), or nil for another unit.
    public static func nanoseconds(perUnit unit: some StringProtocol) -> Double? {
        switch unit {
        case "ns": 1
        case "us", "µs", "μs": 1e3
        case "ms": 1e6
        case "s": 1e9
        case "m": 60e9
        case "h": 3_600e9
        default: nil
        }
    }

    /// The nanoseconds of a duration such as `1m30s` (numbers may have fractions), or nil when the
    /// text is not one or does not fit 64 bits.
    public static func nanoseconds(_ text: String) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !$0.isNumber && $0 != "." }
            rest = rest.dropFirst(unit.count)
            guard let scale = nanoseconds(perUnit: unit) else { return nil }
            total += value * scale
        }
        return total < 1.8e19 ? UInt64(total) : nil
    }
}
