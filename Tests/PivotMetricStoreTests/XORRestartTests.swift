import PivotModel
import Testing

@testable import PivotMetricStore

/// Range reads that start at a restart point return exactly the samples a read from the first sample
/// returns.
struct XORRestartTests {
    static func sortedSeries(count: Int, using rng: inout ChunkTestRandom) -> [Sample] {
        ChunkTestData.randomSeries(count: count, using: &rng)
    }

    @Test func rangeReadsFromRestartsMatchFullDecodes() throws {
        var rng = ChunkTestRandom(seed: 17)
        for round in 0..<200 {
            let samples = Self.sortedSeries(count: 1 + Int(rng.next() % 600), using: &rng)
            let built = ChunkTestData.chunk(samples)
            let reloaded = try XORChunk(bytes: built.bytes)
            // One every `interval` samples, less those whose state does not fit a restart (big gaps).
            #expect(built.restarts.count <= (samples.count - 1) / XORRestart.interval, "round \(round)")
            #expect(reloaded.restarts.map(\.position) == built.restarts.map(\.position), "round \(round)")
            var bounds = samples.map(\.timestamp)
            bounds += [Int64.min, Int64.max, (samples.first?.timestamp ?? 0) &- 1, (samples.last?.timestamp ?? 0) &+ 1]
            for _ in 0..<20 {
                var lower = bounds.randomElement(using: &rng)!
                var upper = bounds.randomElement(using: &rng)!
                if lower > upper { swap(&lower, &upper) }
                if rng.next() % 3 == 0 && lower < upper { lower += 1 }
                let range = lower...upper
                let expected = samples.filter { range.contains($0.timestamp) }
                #expect(ChunkTestData.identical(built.samples(in: range), expected), "round \(round), \(range)")
                #expect(ChunkTestData.identical(reloaded.samples(in: range), expected), "round \(round), \(range)")
            }
        }
    }

    @Test func aRegularSeriesGetsEveryRestartAndAGapOrAHugeStepSkipsOne() throws {
        // 15 s scrapes of a counter: a restart every 32 samples.
        let regular = (0..<200).map { Sample(timestamp: 1_700_000_000_000 + Int64($0) * 15_000, value: Double($0) * 10) }
        #expect(ChunkTestData.chunk(regular).restarts.map(\.index) == Array(stride(from: 32, through: 192, by: 32)))
        // A 30-day gap between samples 30 and 31: the state before sample 32 carries it as its delta,
        // which does not fit 32 bits, so that restart is skipped; the later ones (15 s deltas, times
        // within 2^32 ms of the first) stay.
        var gapped = regular
        for index in 31..<200 { gapped[index].timestamp += 30 * 86_400_000 }
        let chunk = ChunkTestData.chunk(gapped)
        #expect(chunk.restarts.map(\.index) == Array(stride(from: 64, through: 192, by: 32)))
        #expect(try XORChunk(bytes: chunk.bytes).restarts.map(\.index) == chunk.restarts.map(\.index))
        for lower in stride(from: gapped[0].timestamp, to: gapped[199].timestamp, by: 86_400_000) {
            let range = lower...(lower + 600_000)
            #expect(ChunkTestData.identical(chunk.samples(in: range), gapped.filter { range.contains($0.timestamp) }))
        }
    }

    @Test func aChunkReadBackFromBytesHasTheSameRestartsAndKeepsThemAsItGrows() throws {
        let first = (0..<100).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0) * 1.25) }
        let built = ChunkTestData.chunk(first)
        var chunk = try XORChunk(bytes: built.bytes)
        #expect(chunk.restarts.map(\.index) == [32, 64, 96])
        #expect(chunk.restarts.map(\.position) == built.restarts.map(\.position))
        #expect(chunk.restarts.map(\.valueBits) == built.restarts.map(\.valueBits))
        let more = (100..<300).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0 % 7) / 3) }
        for sample in more { chunk.append(sample) }
        #expect(chunk.restarts.map(\.index) == Array(stride(from: 32, through: 288, by: 32)))
        let all = first + more
        for lower in stride(from: Int64(0), to: 300 * 15_000, by: 7_000) {
            let range = lower...(lower + 45_000)
            #expect(ChunkTestData.identical(chunk.samples(in: range), all.filter { range.contains($0.timestamp) }))
        }
    }
}
