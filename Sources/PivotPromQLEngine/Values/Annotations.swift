import PivotPromQL

/// The warnings and infos of a query, each once, in the order first seen.
public struct Annotations: Hashable, Sendable {
    /// Texts starting with `PromQL warning: `.
    public private(set) var warnings: [String] = []
    /// Texts starting with `PromQL info: `.
    public private(set) var infos: [String] = []

    public init() {}

    public var isEmpty: Bool { warnings.isEmpty && infos.isEmpty }

    mutating func warn(_ text: String) {
        let message = "PromQL warning: " + text
        if !warnings.contains(message) { warnings.append(message) }
    }

    mutating func info(_ text: String) {
        let message = "PromQL info: " + text
        if !infos.contains(message) { infos.append(message) }
    }

    mutating func merge(_ other: Annotations) {
        for w in other.warnings where !warnings.contains(w) { warnings.append(w) }
        for i in other.infos where !infos.contains(i) { infos.append(i) }
    }
}
