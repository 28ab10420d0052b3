/// One label: a name and a value, both UTF-8.
public struct Label: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Orders by name, then value, comparing UTF-8 bytes (as Prometheus does).
    public static func < (lhs: Label, rhs: Label) -> Bool {
        let byName = compareBytes(lhs.name, rhs.name)
        return byName != 0 ? byName < 0 : compareBytes(lhs.value, rhs.value) < 0
    }

    /// Compares the UTF-8 bytes of `a` and `b` as Go compares strings: negative when `a` sorts first,
    /// 0 when the bytes are equal, positive otherwise. (`String ==` compares canonical equivalence,
    /// which two different byte sequences can share.)
    static func compareBytes(_ a: String, _ b: String) -> Int {
        let result = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                let n = Swift.min(x.count, y.count)
                var i = 0
                while i < n {
                    if x[i] != y[i] { return Int(x[i]) - Int(y[i]) }
                    i += 1
                }
                return x.count - y.count
            }
        }
        if let result, let result { return result }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    public var description: String { "\(name)=\"\(value)\"" }
}

extension Label {
    /// The label that carries the metric name.
    public static let metricName = "__name__"
}
