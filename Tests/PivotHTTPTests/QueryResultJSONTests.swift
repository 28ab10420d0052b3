import PivotModel
import Testing

@testable import PivotHTTP

/// The fast paths of the query JSON writer give exactly the text of the plain ones.
@Suite struct QueryResultJSONTests {
    static func text(_ write: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        write(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("values are written as GoFloatFormat.apiValue formats them")
    func values() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 1e-4, 9.999e-5, 1e15, 1e15 - 1, 123_456.789, 1.0 / 3, -2.5e-7, 1e21, 6.02e23,
            .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.30000000000000004,
        ]
        for _ in 0..<5_000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double.random(in: -1e6...1e6, using: &generator))
            values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 1000)
        }
        for value in values {
            #expect(Self.text { QueryResultJSON.writeValue(value, to: &$0) } == GoFloatFormat.apiValue(value), "\(value.bitPattern)")
        }
    }

    @Test("integers are written with their decimal digits")
    func decimals() {
        var generator = SystemRandomNumberGenerator()
        var values: [UInt64] = [0, 9, 10, 11, 99, 100, 101, 999, 1000, .max, .max - 1]
        var power: UInt64 = 1
        while power <= UInt64.max / 10 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        for _ in 0..<5_000 { values.append(generator.next() >> UInt64.random(in: 0..<64, using: &generator)) }
        for value in values {
            #expect(Self.text { QueryResultJSON.writeDecimal(value, to: &$0) } == String(value))
        }
    }

    @Test("repeated timestamps are copied with the same text, whatever order the series bring")
    func timestamps() {
        let series: [[Int64]] = [
            [60_000, 120_000, 180_000, 240_000],
            [120_000, 240_000],
            [0, 60_000, 120_500, 180_000, 300_000, 360_000],
            [-1_500, 60_000, 240_000, 360_000, 420_001],
            [],
            [420_001, 1_795_753_441_123],
        ]
        var stamps = TimestampTexts()
        for times in series {
            stamps.rewind()
            for time in times {
                // As the matrix writer does: the kept text, or the plain writer for a time not kept.
                let fast = Self.text { out in
                    guard let range = stamps.text(for: time) else { return QueryResultJSON.writeTimestamp(time, to: &out) }
                    stamps.withText(range) { out.append(contentsOf: $0) }
                }
                #expect(fast == Self.text { QueryResultJSON.writeTimestamp(time, to: &$0) }, "\(time)")
            }
        }
    }
}
