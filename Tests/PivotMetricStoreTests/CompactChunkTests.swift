import PivotModel
import Testing

@testable import PivotMetricStore

struct PackedIntegersTests {
    static func roundTrip(_ values: [Int64]) -> [Int64]? {
        var bytes: [UInt8] = []
        PackedIntegers.append(values, to: &bytes)
        return bytes.withUnsafeBytes { buffer in
            var position = 0
            let decoded = PackedIntegers.read(count: values.count, from: buffer, at: &position)
            return position == buffer.count ? decoded : nil
        }
    }

    @Test func anySequenceRoundTrips() {
        var rng = ChunkTestRandom(seed: 11)
        let extremes: [Int64] = [.min, .max, 0, -1, 1, .min + 1, .max - 1]
        for round in 0..<2_000 {
            let count = 1 + Int(rng.next() % 100)
            var values: [Int64] = []
            var current = Int64(bitPattern: rng.next())
            for _ in 0..<count {
                switch rng.next() % 6 {
                case 0: current = extremes.randomElement(using: &rng)!
                case 1: current = Int64(bitPattern: rng.next())
                case 2: current = current &+ Int64(rng.next() % 1000) * 4096
                case 3: break
                default: current = current &+ 15_000 &+ Int64(rng.next() % 5) &- 2
                }
                values.append(current)
            }
            #expect(Self.roundTrip(values) == values, "round \(round): \(values)")
        }
    }

    @Test func regularSequencesTakeAFewBytes() throws {
        // A scrape interval: every delta-of-delta is 0, so the residuals need no blocks at all.
        let times = (0..<480).map { 1_700_000_000_000 + Int64($0) * 15_000 }
        var bytes: [UInt8] = []
        PackedIntegers.append(times, to: &bytes)
        #expect(bytes.count <= 12, "\(bytes.count) bytes")
        #expect(Self.roundTrip(times) == times)
        // Multiples of 4096 cost their spread over 4096, not over 1.
        let pages = (0..<480).map { Int64(1_000_000 + ($0 * 7919) % 64) * 4096 }
        bytes = []
        PackedIntegers.append(pages, to: &bytes)
        #expect(bytes.count < 480 * 7 / 8 + 60, "\(bytes.count) bytes")
        #expect(Self.roundTrip(pages) == pages)
    }

    @Test func damagedBytesNeverTrap() {
        let values: [Int64] = (0..<70).map { Int64($0 * $0) * 37 - 500 }
        var bytes: [UInt8] = []
        PackedIntegers.append(values, to: &bytes)
        for cut in 0..<bytes.count {
            let truncated = Array(bytes[..<cut])
            let decoded: [Int64]? = truncated.withUnsafeBytes { buffer in
                var position = 0
                return PackedIntegers.read(count: values.count, from: buffer, at: &position)
            }
            #expect(decoded == nil, "decoded from \(cut) of \(bytes.count) bytes")
        }
        for index in bytes.indices {
            for flip in [UInt8(0x01), 0x80, 0xff] {
                var damaged = bytes
                damaged[index] ^= flip
                _ = damaged.withUnsafeBytes { buffer in
                    var position = 0
                    return PackedIntegers.read(count: values.count, from: buffer, at: &position)
                }
            }
        }
    }
}

struct CompactChunkTests {
    @Test func decimalSeriesRoundTripBitForBit() throws {
        var rng = ChunkTestRandom(seed: 3)
        for index in 0..<300 {
            let samples = ChunkExporterLikeData.series(index: index, count: 1 + Int(rng.next() % 500), using: &rng)
            let bytes = try #require(CompactChunk.encode(samples), "series \(index)")
            let decoded = try CompactChunk(bytes: bytes).samples
            #expect(ChunkTestData.identical(decoded, samples), "series \(index)")
        }
    }

    @Test func valuesThatAreNotShortDecimalsArePackedAsBitsOrKeptAsXOR() throws {
        let times = (0..<10).map { Int64($0) * 15_000 }
        for odd in [Double.nan, StaleMarker.value, .infinity, -0.0, 1.0 / 3.0, 1e300, 0.123456789] {
            let samples = times.map { Sample(timestamp: $0, value: $0 == 60_000 ? odd : 1.5) }
            #expect(CompactChunk.encode(samples) == nil, "\(odd)")
            let raw = try #require(CompactChunk.encode(samples, allowRawBits: true))
            #expect(ChunkTestData.identical(try CompactChunk(bytes: raw).samples, samples), "\(odd)")
            let chunk = ChunkTestData.chunk(samples)
            let persisted = PersistedChunk.bytes(of: chunk, sealed: true)
            #expect(persisted.count <= chunk.bytes.count)
            #expect(ChunkTestData.identical(try PersistedChunk(bytes: persisted).samples(), samples), "\(odd)")
        }
    }

    @Test func fullPrecisionSumsPackSmallerAsBitsThanAsXOR() throws {
        // A histogram's _sum: a growing total of full-precision observations.
        var rng = ChunkTestRandom(seed: 9)
        var total = 1234.5678
        var samples: [Sample] = []
        for index in 0..<480 {
            total += Double(rng.next() % 1_000_000) / 123_457.0
            samples.append(Sample(timestamp: 1_700_000_000_000 + Int64(index) * 15_000, value: total))
        }
        let xor = ChunkTestData.chunk(samples)
        let persisted = PersistedChunk.bytes(of: xor, sealed: true)
        #expect(persisted.first == CompactChunk.formatVersion)
        #expect(persisted.count * 10 < xor.bytes.count * 9, "raw bits \(persisted.count) vs XOR \(xor.bytes.count) bytes")
        #expect(ChunkTestData.identical(try PersistedChunk(bytes: persisted).samples(), samples))
    }

    @Test func randomSeriesRoundTripThroughThePersistedForm() throws {
        var rng = ChunkTestRandom(seed: 21)
        for round in 0..<300 {
            let samples = ChunkTestData.randomSeries(count: 2 + Int(rng.next() % 300), using: &rng)
            let persisted = PersistedChunk.bytes(of: ChunkTestData.chunk(samples), sealed: true)
            #expect(ChunkTestData.identical(try PersistedChunk(bytes: persisted).samples(), samples), "round \(round)")
        }
    }

    @Test func anOpenChunkIsNeverCompacted() {
        let samples = (0..<100).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0)) }
        let chunk = ChunkTestData.chunk(samples)
        #expect(PersistedChunk.bytes(of: chunk, sealed: false) == chunk.bytes)
        #expect(PersistedChunk.bytes(of: chunk, sealed: true).first == CompactChunk.formatVersion)
    }

    @Test func persistedChunksOfBothFormatsReadTheSame() throws {
        let samples = (0..<240).map { Sample(timestamp: 1_000 + Int64($0) * 15_000, value: Double($0 * 3) / 100) }
        let xor = ChunkTestData.chunk(samples)
        for sealed in [false, true] {
            let chunk = try PersistedChunk(bytes: PersistedChunk.bytes(of: xor, sealed: sealed))
            #expect(ChunkTestData.identical(chunk.samples(), samples))
            #expect(chunk.count == 240 && chunk.minTime == 1_000 && chunk.maxTime == 1_000 + 239 * 15_000)
            #expect(chunk.lastSample.map { $0.isIdentical(to: samples[239]) } == true)
            for (lower, upper) in [(0, 10), (1_000, 1_000), (15_999, 150_000), (3_586_000, 9_999_999), (-5, -1), (5_000_000, 6_000_000)] {
                let range = Int64(lower)...Int64(upper)
                let expected = samples.filter { range.contains($0.timestamp) }
                #expect(ChunkTestData.identical(chunk.samples(in: range), expected), "\(range), sealed \(sealed)")
            }
            var appendable = chunk.appendable
            appendable.append(Sample(timestamp: 10_000_000, value: 7))
            #expect(appendable.count == 241)
        }
    }

    @Test func damagedBytesAreRefusedNeverTrap() throws {
        var samples: [Sample] = []
        for index in 0..<200 {
            let time: Int64 = 1_700_000_000_000 + Int64(index) * 15_000 + Int64(index % 3)
            let pages = Double(index * 17 % 300)
            samples.append(Sample(timestamp: time, value: pages * 4096))
        }
        let bytes = try #require(CompactChunk.encode(samples))
        for cut in 0..<bytes.count {
            #expect(throws: ChunkError.self) { try CompactChunk(bytes: Array(bytes[..<cut])) }
        }
        #expect(throws: ChunkError.self) { try CompactChunk(bytes: bytes + [0]) }
        for index in bytes.indices {
            for flip in [UInt8(0x01), 0x10, 0xff] {
                var damaged = bytes
                damaged[index] ^= flip
                _ = try? PersistedChunk(bytes: damaged)
            }
        }
    }

    @Test func exporterLikeDataCompactsBelowTheXOREncoding() throws {
        // The same generated exporter series as the XOR size test, 480 samples a chunk (2 h at 15 s).
        var rng = ChunkTestRandom(seed: 5)
        var xorBytes = 0
        var compactBytes = 0
        var samples = 0
        for index in 0..<200 {
            let series = ChunkExporterLikeData.series(index: index, count: 480, using: &rng)
            xorBytes += ChunkTestData.chunk(series).bytes.count
            compactBytes += try #require(CompactChunk.encode(series)).count
            samples += series.count
        }
        #expect(compactBytes * 10 < xorBytes * 8, "compact \(compactBytes) vs XOR \(xorBytes) bytes for \(samples) samples")
    }
}
