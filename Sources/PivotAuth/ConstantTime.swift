/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Every byte of the longer input is visited whatever
    /// the contents, so the time taken reveals at most the lengths, never the position of the first
    /// difference.
    public static func equals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        let left = Array(a)
        let right = Array(b)
        var difference = UInt64(truncatingIfNeeded: left.count ^ right.count)
        let length = max(left.count, right.count)
        var index = 0
        while index < length {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= UInt64(x ^ y)
            index += 1
        }
        return difference == 0
    }

    /// True when two strings have the same UTF-8 bytes; see `equals(_:_:)` for bytes.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
