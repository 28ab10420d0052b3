/// Decimal scales for the chunk's decimal value path: a value has scale E when it is the double
/// nearest to some integer n divided by 10^E, as a parsed decimal string with E digits after the
/// point is.
enum DecimalScale {
    /// No scale in 0...7 reproduces the value (NaN, ±Inf, −0.0, most computed values).
    static let none = -1
    /// Not computed yet.
    static let unknown = -2
    static let largest = 7

    static let powers: [Double] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]
    /// Integers handled on the decimal path stay below 2^50, far inside a double's exact range.
    static let limit: Double = 1_125_899_906_842_624

    /// The integer n with `Double(n) / 10^scale == value` bit for bit, or nil.
    @inline(__always)
    static func integer(_ value: Double, scale: Int) -> Int64? {
        let power = powers[scale]
        let scaled = value * power
        guard scaled.magnitude < limit else { return nil }  // also refuses NaN and ±Inf
        let integer = Int64(scaled.rounded())
        guard integer.magnitude < 1 << 50, (Double(integer) / power).bitPattern == value.bitPattern else { return nil }
        return integer
    }

    /// The smallest scale of `value`, or `none`.
    @inline(__always)
    static func smallest(of value: Double) -> Int {
        // A value with scale E also has every larger scale (while the integer stays small), so one
        // test at the largest usable scale rules most values out.
        var top = largest
        while top > 0 && !((value * powers[top]).magnitude < limit) { top -= 1 }
        guard integer(value, scale: top) != nil else { return none }
        for scale in 0..<top where integer(value, scale: scale) != nil { return scale }
        return top
    }

    /// The step from `previous` to `value` at `scale`, when both have that scale.
    @inline(__always)
    static func step(from previous: Double, to value: Double, scale: Int) -> Int64? {
        guard let from = integer(previous, scale: scale), let to = integer(value, scale: scale) else { return nil }
        return to - from
    }

    /// The value a decoder rebuilds from the previous value and a step, with its decimal integer; nil
    /// for damaged input.
    @inline(__always)
    static func apply(step: Int64, to previous: Double, scale: Int) -> (value: Double, integer: Int64)? {
        let power = powers[scale]
        let scaled = previous * power
        guard scaled.magnitude < limit else { return nil }
        let (integer, overflow) = Int64(scaled.rounded()).addingReportingOverflow(step)
        guard !overflow, integer.magnitude < 1 << 50 else { return nil }
        return (Double(integer) / power, integer)
    }
}
