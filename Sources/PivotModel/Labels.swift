/// A label set sorted by name with unique names: the identity of a series.
public struct Labels: Hashable, Sendable, RandomAccessCollection, CustomStringConvertible {
    public private(set) var elements: [Label]

    /// Builds a label set from labels in any order. A later duplicate name replaces an earlier one;
    /// labels with an empty value are dropped (an empty value means "no such label" in Prometheus).
    public init(_ labels: some Sequence<Label>) {
        let list = Array(labels)
        // Already sorted, unique and non-empty (the common case): nothing to do. Otherwise sort the
        // positions by name, ties by position, and keep the last of each name. (A dictionary by name
        // cost hashing every name, for sets of a handful of labels.)
        if zip(list, list.dropFirst()).allSatisfy({ Self.precedes($0.name, $1.name) }), !list.contains(where: \.value.isEmpty) {
            elements = list
            return
        }
        let order = list.indices.sorted { a, b in
            list[a].name == list[b].name ? a < b : Self.precedes(list[a].name, list[b].name)
        }
        var result: [Label] = []
        result.reserveCapacity(list.count)
        for (position, index) in order.enumerated() {
            if position + 1 < order.count && list[order[position + 1]].name == list[index].name { continue }
            if !list[index].value.isEmpty { result.append(list[index]) }
        }
        elements = result
    }

    /// Name order: UTF-8 bytes, as `Label`'s `<` (Swift's `<` on strings orders by Unicode rules).
    @inline(__always)
    public static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Wraps labels the caller guarantees are sorted by name, unique and non-empty.
    public init(sorted labels: [Label]) {
        elements = labels
    }

    public init(_ pairs: KeyValuePairs<String, String>) {
        self.init(pairs.map { Label(name: $0.key, value: $0.value) })
    }

    public static let empty = Labels(sorted: [])

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> Label { elements[position] }

    /// The value of the label `name`, or the empty string when the set has no such label.
    public subscript(name: String) -> String {
        // `firstIndex(where:)` borrows each label; a for-in loop copied (retained) each one.
        guard let index = elements.firstIndex(where: { $0.name == name }) else { return "" }
        return elements[index].value
    }

    /// The metric name (`__name__`), or the empty string.
    public var metricName: String { self[Label.metricName] }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, to value: String) -> Labels {
        var copy = elements.filter { $0.name != name }
        if !value.isEmpty {
            copy.append(Label(name: name, value: value))
            copy.sort()
        }
        return Labels(sorted: copy)
    }

    /// A copy without the labels whose names are in `names`.
    public func removing(_ names: Set<String>) -> Labels {
        if names.count <= Self.linearLookupLimit {
            // Iterating a small set compares names without hashing them.
            let listed = { (label: Label) in names.contains(where: { $0 == label.name }) }
            guard elements.contains(where: listed) else { return self }
            return Labels(sorted: elements.filter { !listed($0) })
        }
        return Labels(sorted: elements.filter { !names.contains($0.name) })
    }

    /// A copy with only the labels whose names are in `names`.
    public func keeping(_ names: Set<String>) -> Labels {
        if names.count <= Self.linearLookupLimit {
            return Labels(sorted: elements.filter { label in names.contains(where: { $0 == label.name }) })
        }
        return Labels(sorted: elements.filter { names.contains($0.name) })
    }

    /// Up to this many names, comparing each label name with each of them is cheaper than hashing
    /// every label name (grouping labels and dropped names are usually one to three names).
    static let linearLookupLimit = 4

    /// Prometheus's text form: `name{a="b", c="d"}`.
    public var description: String {
        var out = metricName
        let rest = elements.filter { $0.name != Label.metricName }
        if rest.isEmpty && !out.isEmpty { return out }
        out += "{"
        out += rest.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ", ")
        out += "}"
        return out
    }
}

extension Labels: Comparable {
    /// Orders label sets as Prometheus's `labels.Compare` does: label by label (name, then value, as
    /// UTF-8 bytes), then by length. Reads the labels in place: the collection's own subscript returns
    /// copies, a retain and release per string, and range results sort by this.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        lhs.elements.withUnsafeBufferPointer { a in
            rhs.elements.withUnsafeBufferPointer { b in
                for i in 0..<Swift.min(a.count, b.count) {
                    let byName = Label.compareBytes(a[i].name, b[i].name)
                    if byName != 0 { return byName < 0 }
                    let byValue = Label.compareBytes(a[i].value, b[i].value)
                    if byValue != 0 { return byValue < 0 }
                }
                return a.count < b.count
            }
        }
    }
}

func escapeLabelValue(_ value: String) -> String {
    var out = ""
    for ch in value.unicodeScalars {
        switch ch {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}
