import PivotModel
import Testing

@Suite struct LabelsTests {
    @Test func labelsAreSortedByNameAndEmptyValuesDropped() {
        // A label set is sorted by name and an empty value means the label is absent.
        let labels = Labels(["job": "api", "__name__": "up", "empty": "", "instance": "a:1"])
        #expect(labels.map(\.name) == ["__name__", "instance", "job"])
        #expect(labels.metricName == "up")
        #expect(labels["empty"] == "")
        #expect(labels["missing"] == "")
    }

    @Test("a later duplicate name replaces an earlier one, even with an empty value; order is by UTF-8 bytes")
    func duplicatesAndOrder() {
        var generator = SystemRandomNumberGenerator()
        let names = ["a", "b", "B", "__name__", "é", "z", "zz", "job", "trace_id", "span_id"]
        for _ in 0..<2_000 {
            let list = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                Label(name: names.randomElement(using: &generator)!, value: ["", "1", "2", "x"].randomElement(using: &generator)!)
            }
            var last: [String: String] = [:]
            for label in list { last[label.name] = label.value }
            let expected = last.filter { !$0.value.isEmpty }.map { Label(name: $0.key, value: $0.value) }
                .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            #expect(Labels(list).elements == expected, "\(list)")
        }
        #expect(Labels([Label(name: "z", value: "1"), Label(name: "é", value: "2")]).map(\.name) == ["z", "é"])
    }

    @Test func textFormMatchesPrometheus() {
        // Labels print as Prometheus prints a series: name{a="b", c="d"} with escaped values.
        let labels = Labels(["__name__": "up", "job": "a\"b", "zone": "x\ny"])
        #expect(labels.description == #"up{job="a\"b", zone="x\ny"}"#)
        #expect(Labels(["__name__": "up"]).description == "up")
        #expect(Labels(["job": "x"]).description == #"{job="x"}"#)
    }

    @Test func labelSetsCompareLabelByLabelThenByLength() {
        // Ordering follows Prometheus's labels.Compare.
        let a = Labels(["a": "1"])
        let ab = Labels(["a": "1", "b": "2"])
        let b = Labels(["b": "0"])
        #expect(a < ab)
        #expect(ab < b)
        #expect(!(b < a))
    }

    @Test func settingAndRemovingKeepTheSetSorted() {
        // Derived label sets stay sorted and drop empty values.
        let labels = Labels(["b": "2", "d": "4"])
        #expect(labels.setting("c", to: "3").map(\.name) == ["b", "c", "d"])
        #expect(labels.setting("b", to: "").map(\.name) == ["d"])
        #expect(labels.removing(["d"]).map(\.name) == ["b"])
        #expect(labels.keeping(["d"]).map(\.name) == ["d"])
    }
}
