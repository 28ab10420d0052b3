import PivotModel
import Testing
@testable import PivotTraceStore

@Suite struct TagFingerprintTests {
    @Test func distinctKeysAndValuesGetDistinctFingerprints() {
        // Keys differing in scope, length or one byte, and values differing in type or content, never
        // share a fingerprint in a large sample (a shared one would hide a value from the listing).
        var keys = Set<UInt64>()
        var values = Set<UInt64>()
        var count = 0
        for scope in 0..<2 {
            for length in 0..<24 {
                let key = String(repeating: "k", count: length)
                #expect(keys.insert(TagFingerprint.key(scope: scope, key)).inserted)
                for number in 0..<1_000 {
                    for value: SpanAttribute.Value in [.int(Int64(number)), .string(String(number)), .double(Double(number)), .other(String(number))] {
                        count += 1
                        values.insert(TagFingerprint.value(scope: scope, key, value))
                    }
                }
                values.insert(TagFingerprint.value(scope: scope, key, .bool(true)))
                values.insert(TagFingerprint.value(scope: scope, key, .bool(false)))
                count += 2
            }
        }
        #expect(values.count == count)
        // A key that is a prefix of another with the rest in its value is still different.
        let split = TagFingerprint.value(scope: 1, "ab", .string("c"))
        let other = TagFingerprint.value(scope: 1, "a", .string("bc"))
        #expect(split != other)
    }
}
