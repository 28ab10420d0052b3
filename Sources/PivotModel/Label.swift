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
        if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
        return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }

    public var description: String { "\(name)=\"\(value)\"" }
}

extension Label {
    /// The label that carries the metric name.
    public static let metricName = "__name__"
}
