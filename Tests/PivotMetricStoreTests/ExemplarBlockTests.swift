import Foundation
import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Exemplar blocks")
struct ExemplarBlockTests {
    static func exemplar(_ time: Int64, _ value: Double, trace: String = "4bf92f3577b34da6a3ce929d0e0e4736") -> StoredExemplar {
        var batch = WriteBatch()
        let labels = Labels([Label(name: "trace_id", value: trace), Label(name: "span_id", value: "00f067aa0ba902b7")])
        batch.append(labels: Labels([Label(name: "__name__", value: "m")]), exemplars: [Exemplar(labels: labels, value: value, timestamp: time)])
        var encoded: [UInt8] = []
        batch.bytes.withUnsafeBytes { arena in
            batch.labelRefs.withUnsafeBufferPointer { refs in
                ExemplarLabelEncoding.encode(
                    arena: arena, refs: UnsafeBufferPointer(rebasing: refs[batch.exemplars[0].labels]), into: &encoded)
            }
        }
        return StoredExemplar(series: 7, timestamp: time, valueBits: value.bitPattern, labels: encoded)
    }

    static let values: [Double] = [
        0.123456, 0, -0.0, 1, -1, 42.5, 1e-7, 0.1 + 0.2, .pi, .nan, .infinity, -.infinity,
        Double(bitPattern: 0x7ff0_0000_0000_0002), 1e300, -123_456_789.25, Double(1 << 49), Double(1 << 52),
    ]

    @Test("every value, time and label set round-trips bit for bit, sorted, repeats once")
    func roundTrip() throws {
        var exemplars = Self.values.enumerated().map { index, value in
            Self.exemplar(1_700_000_000_000 + Int64(index % 5) * 15_000 - Int64(index) * 7, value, trace: String(format: "%032x", index))
        }
        exemplars += [exemplars[3], exemplars[0], Self.exemplar(-5, 1), Self.exemplar(.max, 2), Self.exemplar(.min, 3)]
        let block = ExemplarBlock.encode(exemplars.shuffled())
        let decoded = try #require(ExemplarBlock.decode(block, series: 7))
        #expect(decoded == ExemplarBlock.normalized(exemplars))
        #expect(decoded.count == exemplars.count - 2)
        #expect(zip(decoded, decoded.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        #expect(Set(decoded.map(\.valueBits)).isSuperset(of: Self.values.map(\.bitPattern)))
    }

    @Test("an OpenTelemetry exemplar takes about 31 bytes in a block: its id bytes, a time step and a value")
    func size() {
        let exemplars = (0..<10).map { Self.exemplar(1_700_000_000_000 + Int64($0) * 150_000, Double(100_000 + $0 * 1_234) / 1e6) }
        let block = ExemplarBlock.encode(exemplars)
        #expect(exemplars.allSatisfy { $0.labels.count == 30 })
        #expect(block.count <= 10 * 32, "\(block.count) bytes")
    }

    @Test("labels of any shape round-trip: several shapes in a block, spelled-out names, malformed encodings kept verbatim")
    func shapes() throws {
        var exemplars = [Self.exemplar(1, 0.5), Self.exemplar(2, 0.25, trace: "abc")]
        exemplars.append(StoredExemplar(series: 7, timestamp: 3, valueBits: 3, labels: [4] + Array("user".utf8) + [6] + Array("bob".utf8)))
        exemplars.append(StoredExemplar(series: 7, timestamp: 4, valueBits: 4, labels: [9, 1, 2]))  // cut short
        exemplars.append(StoredExemplar(series: 7, timestamp: 5, valueBits: 5, labels: []))
        exemplars.append(StoredExemplar(series: 7, timestamp: 6, valueBits: 6, labels: [0, 0, 0x41, 0xab]))  // odd hex length
        let block = ExemplarBlock.encode(exemplars)
        #expect(try #require(ExemplarBlock.decode(block, series: 7)) == exemplars)
    }

    @Test("blocks of version 1 still decode")
    func version1() throws {
        // count 2; t 1000, value 0.5 = 5/10 (scale 1), labels "ab"; t 1500, raw bits of 0.1 + 0.2, no labels.
        var block: [UInt8] = [1, 2]
        VarInt.appendSigned(1000, to: &block)
        VarInt.appendUnsigned(10 << 4 | 1, to: &block)
        block += [2, 0x61, 0x62]
        VarInt.appendSigned(500, to: &block)
        block.append(15)
        FixedWidth.append((0.1 + 0.2).bitPattern, to: &block)
        block.append(0)
        let decoded = try #require(ExemplarBlock.decode(block, series: 7))
        #expect(decoded.map(\.timestamp) == [1000, 1500])
        #expect(decoded.map(\.valueBits) == [(0.5).bitPattern, (0.1 + 0.2).bitPattern])
        #expect(decoded.map(\.labels) == [[0x61, 0x62], []])
    }

    @Test("a block cut short at any byte, or with a byte changed, is refused or decodes without a crash")
    func damaged() {
        let block = ExemplarBlock.encode((0..<6).map { Self.exemplar(Int64($0) * 1000, [0.5, .nan, -3, 1e-3, 7, 2.5][$0]) })
        for length in 0..<block.count {
            #expect(ExemplarBlock.decode(Array(block.prefix(length)), series: 7) == nil, "cut at \(length)")
        }
        #expect(ExemplarBlock.decode(block + [0], series: 7) == nil)
        for index in block.indices {
            for flip: UInt8 in [0x01, 0x80, 0xff] {
                var changed = block
                changed[index] ^= flip
                _ = ExemplarBlock.decode(changed, series: 7)
            }
        }
        // A count larger than the bytes could hold is refused before anything is allocated.
        #expect(ExemplarBlock.decode([ExemplarBlock.version, 0xff, 0xff, 0xff, 0xff, 0x0f], series: 7) == nil)
        #expect(ExemplarBlock.decode([1, 0xff, 0xff, 0xff, 0xff, 0x0f], series: 7) == nil)
        #expect(ExemplarBlock.decode([3, 0], series: 7) == nil)
    }
}
