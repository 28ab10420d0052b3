import PivotModel
import Testing

@testable import PivotMetricStore

@Suite struct LabelOrderKeysTests {
    // Sorting with the memcmp keys gives the same order as comparing the encodings piece by piece,
    // including prefixes, empty values and values holding a zero byte.
    @Test func keysSortLabelSetsLikeTheEncodingComparison() {
        let names = ["__name__", "a", "ab", "b", "job"]
        let values = ["", "x", "x\u{0}", "x\u{0}y", "xa", "xy", "y", "é"]
        var generator = SystemRandomNumberGenerator()
        var sets: [Labels] = []
        for _ in 0..<400 {
            var pairs: [String: String] = [:]
            for name in names where Bool.random(using: &generator) {
                pairs[name] = values.randomElement(using: &generator)!
            }
            sets.append(Labels(pairs.map { Label(name: $0.key, value: $0.value) }))
        }
        let encodings = sets.map(LabelSetEncoding.encode)
        let keys = LabelOrderKeys(encodings)
        let byKeys = encodings.indices.sorted { keys.precedes($0, $1) }
        let byEncodings = encodings.indices.sorted { LabelSetEncoding.precedes(encodings[$0], encodings[$1]) }
        #expect(byKeys.map { encodings[$0] } == byEncodings.map { encodings[$0] })
        for a in encodings.indices.prefix(60) {
            for b in encodings.indices.prefix(60) {
                #expect(keys.precedes(a, b) == LabelSetEncoding.precedes(encodings[a], encodings[b]))
            }
        }
    }
}
