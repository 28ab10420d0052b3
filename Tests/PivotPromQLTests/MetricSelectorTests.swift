import PivotModel
import PivotPromQL
import Testing

@Suite("match[] selectors")
struct MetricSelectorTests {
    @Test("a selector gives its matchers with the name last")
    func matchers() throws {
        // Expects label matchers in order, then __name__ for a name outside the braces.
        let matchers = try parseMetricSelector("up{job=\"api\", instance!~\"10\\\\..*\"}")
        #expect(matchers.map(\.description) == ["job=\"api\"", "instance!~\"10\\\\..*\"", "__name__=\"up\""])
        #expect(matchers.last?.kind == .equal)
    }

    @Test("quoted names, keywords and name-only selectors are accepted")
    func forms() throws {
        // Expects the UTF-8 form, a keyword used as a metric name, and a bare name.
        #expect(try parseMetricSelector("{\"http.server.duration\", \"service.name\"=\"x\"}").count == 2)
        #expect(try parseMetricSelector("sum").map(\.value) == ["sum"])
        #expect(try parseMetricSelector("{__name__=~\"a|b\"}").first?.kind == .regexMatch)
    }

    @Test("an empty selector is not rejected here")
    func emptyAllowed() throws {
        // Expects the non-empty-matcher rule to be left to the API, as Prometheus does.
        #expect(try parseMetricSelector("{}").isEmpty)
        #expect(try parseMetricSelector("{a=\"\"}").count == 1)
    }

    @Test("anything but one selector fails", arguments: ["", "up + up", "rate(up[5m])", "up[5m]", "1", "up offset 5m"])
    func rejects(_ input: String) {
        // Expects a parse error for expressions that are not a plain selector.
        #expect(throws: ParseError.self) { try parseMetricSelector(input) }
    }
}
