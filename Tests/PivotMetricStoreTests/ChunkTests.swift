import PivotModel
import Testing

@testable import PivotMetricStore

/// A small deterministic generator (ChunkTestRandom) so failures reproduce from the printed seed.
struct ChunkTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

enum ChunkTestData {
    static let specialValues: [Double] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, StaleMarker.value,
        Double(bitPattern: 0x7ff8_dead_beef_0001), Double(bitPattern: 0xfff0_0000_0000_0001),
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, .ulpOfOne, 0.1, 1e300,
    ]

    /// A random series in non-decreasing timestamp order mixing every awkward case.
    static func randomSeries(count: Int, using rng: inout ChunkTestRandom) -> [Sample] {
        var samples: [Sample] = []
        var time: Int64 = rng.next() % 4 == 0 ? Int64.min : Int64.random(in: -1_000_000_000_000...2_000_000_000_000, using: &rng)
        var value = 0.0
        for _ in 0..<count {
            switch rng.next() % 10 {
            case 0: value = specialValues.randomElement(using: &rng)!
            case 1: value = Double(bitPattern: rng.next())  // any bit pattern, NaN payloads included
            case 2, 3: break  // repeat
            case 4: value += 1
            case 5: value = (Double(Int.random(in: 0...100_000, using: &rng)) / 100)
            case 6: value = Double(bitPattern: value.bitPattern ^ (1 << (rng.next() % 64)))
            default: value += Double(Int.random(in: 0...50, using: &rng)) * 10
            }
            samples.append(Sample(timestamp: time, value: value))
            let room = UInt64(bitPattern: Int64.max &- time)  // how far time may still move forward
            let step: UInt64
            switch rng.next() % 12 {
            case 0: step = 0  // equal timestamps
            case 1: step = room  // straight to Int64.max
            case 2: step = room == 0 ? 0 : rng.next() % room  // huge gap
            case 3: step = 15_000 + rng.next() % 3_000_000
            case 4: step = rng.next() % 5_000
            default: step = 15_000 + rng.next() % 7
            }
            time = time &+ Int64(bitPattern: Swift.min(step, room))
        }
        return samples
    }

    /// Bitwise equality of sample lists (NaN == NaN when the bits match).
    static func identical(_ lhs: [Sample], _ rhs: [Sample]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.isIdentical(to: $1) }
    }

    static func chunk(_ samples: [Sample]) -> XORChunk {
        var chunk = XORChunk()
        for sample in samples { chunk.append(sample) }
        return chunk
    }
}


struct ChunkTests {
    @Test func randomSeriesRoundTripBitForBit() throws {
        // Any series (NaN payloads, ±Inf, −0, stale markers, equal timestamps, huge gaps, negative times)
        // decodes to exactly the samples appended, from the live chunk and from its persisted bytes.
        for seed in UInt64(1)...400 {
            var rng = ChunkTestRandom(seed: seed)
            let samples = ChunkTestData.randomSeries(count: Int(rng.next() % 300), using: &rng)
            let chunk = ChunkTestData.chunk(samples)
            #expect(chunk.count == samples.count, "seed \(seed)")
            #expect(ChunkTestData.identical(chunk.samples(), samples), "seed \(seed)")
            let reread = try XORChunk(bytes: chunk.bytes)
            #expect(ChunkTestData.identical(reread.samples(), samples), "seed \(seed)")
            #expect(reread == chunk)
            #expect(reread.minTime == chunk.minTime && reread.maxTime == chunk.maxTime)
            if let last = samples.last {
                #expect(chunk.minTime == samples[0].timestamp)
                #expect(chunk.maxTime == last.timestamp)
                #expect(chunk.lastSample.map { $0.isIdentical(to: last) } == true, "seed \(seed)")
            }
        }
    }

    @Test func slowlyMovingDecimalGaugesRoundTrip() throws {
        // Unchanged values and decimal steps of every difference width (0, 6, 10, 16 and 64 bits)
        // interleaved at random: the decoder's combined path for the first two, and its general one.
        for seed in UInt64(1)...200 {
            var rng = ChunkTestRandom(seed: seed)
            let scale = Double([1, 100, 1000, 10_000][Int(rng.next() % 4)])
            var integer = Int64(rng.next() % 10_000)
            var samples: [Sample] = []
            for index in 0..<Int(rng.next() % 400) {
                switch rng.next() % 8 {
                case 0, 1, 2: break  // unchanged
                case 3: integer += Int64(rng.next() % 5) - 2
                case 4: integer += Int64(rng.next() % 600) - 300
                case 5: integer += Int64(rng.next() % 60_000) - 30_000
                case 6: integer += Int64(rng.next() % 2_000_000_000) - 1_000_000_000
                default: integer = -integer
                }
                samples.append(Sample(timestamp: Int64(index) * 15_000, value: Double(integer) / scale))
            }
            let chunk = ChunkTestData.chunk(samples)
            #expect(ChunkTestData.identical(chunk.samples(), samples), "seed \(seed)")
            #expect(ChunkTestData.identical(try XORChunk(bytes: chunk.bytes).samples(), samples), "seed \(seed)")
            // Range reads start from restart points inside the chunk.
            if samples.count > 2 {
                let lower = samples[samples.count / 3].timestamp
                let upper = samples[samples.count * 2 / 3].timestamp
                let expected = samples.filter { $0.timestamp >= lower && $0.timestamp <= upper }
                #expect(ChunkTestData.identical(chunk.samples(in: lower...upper), expected), "seed \(seed)")
            }
        }
    }

    @Test func anOpenChunkGrowsByAQuarterNotByDoubling() {
        // An open chunk's spare byte capacity stays near a quarter of its size (it lives for hours per series).
        var rng = ChunkTestRandom(seed: 7)
        var chunk = XORChunk()
        for sample in ChunkTestData.randomSeries(count: 480, using: &rng) {
            chunk.append(sample)
            let allowed = chunk.bytes.count + max(chunk.bytes.count / 4, 16) + 9 + 32
            #expect(chunk.bytes.capacity <= allowed, "\(chunk.bytes.count) bytes in a capacity of \(chunk.bytes.capacity)")
        }
    }

    @Test func aChunkValueTakesAtMost64Bytes() {
        // The encoder state beside the byte array is packed (one open chunk per series stays in memory).
        #expect(MemoryLayout<XORChunk>.size <= 64)
    }

    @Test func unorderedTimestampsStillRoundTrip() throws {
        // Timestamps in any order (not a supported use, but the wrapping arithmetic makes it exact) decode unchanged.
        var rng = ChunkTestRandom(seed: 99)
        let samples = (0..<500).map { _ in Sample(timestamp: Int64(bitPattern: rng.next()), value: Double(bitPattern: rng.next())) }
        let chunk = ChunkTestData.chunk(samples)
        #expect(ChunkTestData.identical(chunk.samples(), samples))
        #expect(ChunkTestData.identical(try XORChunk(bytes: chunk.bytes).samples(), samples))
    }

    @Test func extremeTimestampsAndSpecialValuesRoundTrip() throws {
        // The extremes of Int64 and every special float survive, in sequences built to hit every bucket.
        let times: [Int64] = [Int64.min, Int64.min, Int64.min + 1, -1, 0, 0, 63, 127, 2_174, 526_000, 3_000_000_000, Int64.max - 5, Int64.max, Int64.max]
        var samples: [Sample] = []
        for (index, time) in times.enumerated() {
            let value = ChunkTestData.specialValues[index % ChunkTestData.specialValues.count]
            samples.append(Sample(timestamp: time, value: value))
        }
        let chunk = ChunkTestData.chunk(samples)
        #expect(ChunkTestData.identical(chunk.samples(), samples))
        #expect(StaleMarker.isStale(chunk.samples()[8].value))
        #expect(ChunkTestData.identical(try XORChunk(bytes: chunk.bytes).samples(), samples))
    }

    @Test func appendingAfterReadingPersistedBytesContinuesTheSameEncoding() throws {
        // A chunk rebuilt from bytes takes more appends and ends byte-identical to one never persisted.
        var rng = ChunkTestRandom(seed: 7)
        let samples = ChunkTestData.randomSeries(count: 200, using: &rng)
        for split in [0, 1, 2, 3, 50, 199, 200] {
            var resumed = try XORChunk(bytes: ChunkTestData.chunk(Array(samples[..<split])).bytes)
            for sample in samples[split...] { resumed.append(sample) }
            #expect(resumed.bytes == ChunkTestData.chunk(samples).bytes, "split \(split)")
        }
    }

    @Test func iteratorMatchesSamples() {
        // Iterating the chunk yields the same samples as samples(), then nil for good.
        var rng = ChunkTestRandom(seed: 11)
        let chunk = ChunkTestData.chunk(ChunkTestData.randomSeries(count: 257, using: &rng))
        var iterated: [Sample] = []
        var iterator = chunk.makeIterator()
        while let sample = iterator.next() { iterated.append(sample) }
        #expect(iterator.next() == nil)
        #expect(ChunkTestData.identical(iterated, chunk.samples()))
        #expect(ChunkTestData.identical(Array(chunk), chunk.samples()))
    }

    @Test func samplesInRangeAreTheInclusiveSlice() {
        // samples(in:) returns exactly the samples whose timestamps lie in the closed range.
        var samples: [Sample] = []
        for index in 0..<100 { samples.append(Sample(timestamp: Int64(index / 2) * 1000, value: Double(index))) }
        let chunk = ChunkTestData.chunk(samples)
        let ranges: [ClosedRange<Int64>] = [
            0...0, 1000...1000, 500...2500, -5000...(-1), 49_000...49_000, 49_001...100_000,
            Int64.min...Int64.max, 10_000...9_999_999, 2000...2999,
        ]
        for range in ranges {
            let expected = samples.filter { range.contains($0.timestamp) }
            #expect(ChunkTestData.identical(chunk.samples(in: range), expected), "range \(range)")
        }
        #expect(XORChunk().samples(in: Int64.min...Int64.max).isEmpty)
    }

    @Test func anEmptyChunkHasAHeaderOnly() throws {
        // An empty chunk is 5 bytes, has no samples and no last sample, and an empty time range.
        let chunk = XORChunk()
        #expect(chunk.bytes == [1, 0, 0, 0, 0])
        #expect(chunk.count == 0 && chunk.isEmpty)
        #expect(chunk.lastSample == nil)
        #expect(chunk.minTime > chunk.maxTime)
        #expect(chunk.samples().isEmpty)
        #expect(try XORChunk(bytes: chunk.bytes) == chunk)
    }

    @Test func damagedBytesAreRefusedWithTheReason() {
        // Short headers, unknown versions, missing data, extra bytes and non-zero padding each throw their code.
        var rng = ChunkTestRandom(seed: 3)
        let bytes = ChunkTestData.chunk(ChunkTestData.randomSeries(count: 120, using: &rng)).bytes
        func code(_ bytes: [UInt8]) -> ChunkError.Code? {
            do {
                _ = try XORChunk(bytes: bytes)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code([]) == .truncatedHeader)
        #expect(code([1, 0, 0]) == .truncatedHeader)
        #expect(code([2, 0, 0, 0, 0]) == .unsupportedVersion)
        #expect(code([1, 0, 0, 0, 1]) == .truncatedData)
        for length in 5..<bytes.count {
            #expect(code(Array(bytes[..<length])) == .truncatedData, "length \(length)")
        }
        #expect(code(bytes + [0]) == .trailingData)
        #expect(code([1, 0, 0, 0, 0, 0]) == .trailingData)
        var countTooSmall = bytes
        countTooSmall[4] -= 1
        #expect(code(countTooSmall) == .trailingData)
        // (One more sample than written can hide in the zero padding: 2 zero bits decode as "same
        // timestamp delta, same value". Many more cannot.)
        var countTooLarge = bytes
        countTooLarge[4] += 100
        #expect(code(countTooLarge) == .truncatedData)
        // One sample: 16 bytes of data exactly; any bit set after it is not padding.
        let single = ChunkTestData.chunk([Sample(timestamp: 1, value: 1)]).bytes
        #expect(single.count == 21)
        #expect(code(single + [0x80]) == .trailingData)
        // A decimal step before any scale, or a window reuse before any window, is never written.
        for control: UInt8 in [0b0_10_00000, 0b0_110_0000] {  // timestamp D = 0, then the value control
            var two = ChunkTestData.chunk([Sample(timestamp: 1, value: 1)]).bytes
            two[4] = 2
            two += [control, 0, 0, 0, 0, 0, 0, 0, 0]
            #expect(code(two) == .invalidEncoding, "control \(control)")
        }
        // A window wider than 64 bits: control 1110, L = 31, M = 63.
        var wide = ChunkTestData.chunk([Sample(timestamp: 1, value: 1)]).bytes
        wide[4] = 2
        wide += [0b0_1110_111, 0b11_111111, 0b0000_0000] + [UInt8](repeating: 0, count: 8)
        #expect(code(wide) == .invalidEncoding)
    }

    @Test func exporterLikeDataCompressesToAboutOneByteASample() {
        // Generated 15 s scrapes of counters and 2-decimal gauges stay within Gorilla's usual size range.
        let measurement = ChunkExporterLikeData.measure(seriesCount: 200, samplesPerChunk: 120, seed: 5)
        #expect(measurement.bytesPerSample < 2.0, "\(measurement)")
        #expect(measurement.bytesPerSample > 0.1, "\(measurement)")
    }
}

/// Generated series shaped like a Prometheus exporter's: 15 s scrapes with a few ms of jitter on some
/// targets; counters that grow by whole amounts or stay flat; gauges that are constant, or change by
/// values rounded to two decimals.
enum ChunkExporterLikeData {
    struct Measurement: CustomStringConvertible {
        var samples: Int
        var bytes: Int
        var bytesPerSample: Double { Double(bytes) / Double(samples) }
        var description: String { "\(samples) samples in \(bytes) bytes: \(bytesPerSample) bytes/sample" }
    }

    static func series(index: Int, count: Int, using rng: inout ChunkTestRandom) -> [Sample] {
        var time: Int64 = 1_700_000_000_000 + Int64(index % 15) * 1000
        let jitter = index % 4 == 0  // a quarter of the targets have scrape jitter of ±2 ms
        let kind = index % 10
        var value: Double = kind < 5 ? Double(rng.next() % 1_000_000) : Double(rng.next() % 10_000) / 100
        var cents = Int64(value * 100)
        var samples: [Sample] = []
        for _ in 0..<count {
            samples.append(Sample(timestamp: time, value: value))
            time += 15_000 + (jitter ? Int64(rng.next() % 5) - 2 : 0)
            switch kind {
            case 0, 1: value += Double(rng.next() % 20)  // busy counter
            case 2, 3: if rng.next() % 4 == 0 { value += 1 }  // slow counter
            case 4: value += Double((rng.next() % 10) * 1024)  // byte counter
            case 5, 6, 7: break  // constant gauge (info, limits, up, config)
            case 8: if rng.next() % 3 == 0 { value = Double(rng.next() % 10_000) / 100 }  // 2-decimal gauge
            default: cents = max(0, cents + Int64(rng.next() % 200) - 100); value = Double(cents) / 100  // wandering gauge
            }
        }
        return samples
    }

    static func measure(seriesCount: Int, samplesPerChunk: Int, seed: UInt64) -> Measurement {
        var rng = ChunkTestRandom(seed: seed)
        var total = Measurement(samples: 0, bytes: 0)
        for index in 0..<seriesCount {
            var chunk = XORChunk()
            for sample in series(index: index, count: samplesPerChunk, using: &rng) { chunk.append(sample) }
            total.samples += chunk.count
            total.bytes += chunk.bytes.count
        }
        return total
    }
}
