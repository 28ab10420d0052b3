import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: label matchers")
struct StoreMatcherTests {
    /// Four series of `m`: {a="x"}, {a="y"}, {a="xy", b="1"} and one without `a`.
    static func seeded() async throws -> (MetricStore, StoreTestDirectory) {
        let directory = StoreTestDirectory()
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "m", "a": "x"]), StoreTest.samples([1])),
            (StoreTest.labels(["__name__": "m", "a": "y"]), StoreTest.samples([1])),
            (StoreTest.labels(["__name__": "m", "a": "xy", "b": "1"]), StoreTest.samples([1])),
            (StoreTest.labels(["__name__": "m", "c": "z"]), StoreTest.samples([1])),
        ]))
        return (store, directory)
    }

    /// The values of `a` ("-" for none) of the series `matchers` select.
    static func selected(_ store: MetricStore, _ matchers: [LabelMatcher]) throws -> [String] {
        try StoreTest.select(store, matchers).map { $0.labels["a"].isEmpty ? "-" : $0.labels["a"] }.sorted()
    }

    static let name = StoreTest.matcher(.equal, "__name__", "m")

    @Test("equality and inequality select by exact value", arguments: [
        (LabelMatcher.Kind.equal, "x", ["x"]),
        (.notEqual, "x", ["-", "xy", "y"]),
        (.equal, "nope", []),
    ])
    func equality(kind: LabelMatcher.Kind, value: String, expected: [String]) async throws {
        // Expects `=` to match the value exactly and `!=` to keep series without the label.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        #expect(try Self.selected(store, [Self.name, StoreTest.matcher(kind, "a", value)]) == expected)
        await store.close()
    }

    @Test("regular expressions are fully anchored", arguments: [
        (LabelMatcher.Kind.regexMatch, "x", ["x"]),
        (.regexMatch, "x.*", ["x", "xy"]),
        (.regexMatch, "x|y", ["x", "y"]),
        (.regexMatch, "[xy]", ["x", "y"]),
        (.regexNoMatch, "x.*", ["-", "y"]),
        (.regexNoMatch, "y", ["-", "x", "xy"]),
    ])
    func regexes(kind: LabelMatcher.Kind, pattern: String, expected: [String]) async throws {
        // Expects `=~`/`!~` to match whole values only, as Prometheus does.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        #expect(try Self.selected(store, [Self.name, StoreTest.matcher(kind, "a", pattern)]) == expected)
        await store.close()
    }

    @Test("a matcher that matches the empty value also selects series without the label", arguments: [
        (LabelMatcher.Kind.equal, "", ["-"]),
        (.notEqual, "", ["x", "xy", "y"]),
        (.regexMatch, "x|", ["-", "x"]),
        (.regexMatch, ".*", ["-", "x", "xy", "y"]),
        (.regexMatch, ".+", ["x", "xy", "y"]),
        (.regexNoMatch, ".+", ["-"]),
        (.regexNoMatch, "", ["x", "xy", "y"]),
    ])
    func emptyValueRules(kind: LabelMatcher.Kind, pattern: String, expected: [String]) async throws {
        // Expects Prometheus's rule: a missing label behaves as the empty value.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        #expect(try Self.selected(store, [Self.name, StoreTest.matcher(kind, "a", pattern)]) == expected)
        await store.close()
    }

    @Test("several matchers intersect")
    func intersection() async throws {
        // Expects every matcher to hold for a selected series.
        let (store, directory) = try await Self.seeded()
        defer { directory.remove() }
        let matchers = [Self.name, StoreTest.matcher(.regexMatch, "a", "x.*"), StoreTest.matcher(.equal, "b", "")]
        #expect(try Self.selected(store, matchers) == ["x"])
        let none = [StoreTest.matcher(.equal, "a", "x"), StoreTest.matcher(.equal, "b", "1")]
        #expect(try Self.selected(store, none) == [])
        await store.close()
    }

    @Test("label values that differ only in Unicode normalization stay distinct")
    func bytewiseValues() async throws {
        // Expects "é" (one scalar) and "e" + combining accent to be two series, as in Prometheus.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        try await StoreTest.write(store, StoreTest.batch([
            (StoreTest.labels(["__name__": "m", "a": "\u{E9}"]), StoreTest.samples([1])),
            (StoreTest.labels(["__name__": "m", "a": "e\u{301}"]), StoreTest.samples([1])),
        ]))
        #expect(try StoreTest.everything(store).count == 2)
        let values = try store.querier(mint: .min, maxt: .max).labelValues("a", [])
        #expect(values.count == 2)
        #expect(try StoreTest.select(store, [StoreTest.matcher(.equal, "a", "\u{E9}")]).count >= 1)
        await store.close()
    }
}
