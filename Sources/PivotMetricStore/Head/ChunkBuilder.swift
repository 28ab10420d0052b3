import PivotModel

/// Builds chunks from sorted samples within a `ChunkPolicy`'s limits.
enum ChunkBuilder {
    /// Chunks of `samples` (sorted by time, unique timestamps), each at most `policy.maxSamples`
    /// samples and spanning less than `policy.maxDuration`.
    static func chunks(of samples: [Sample], policy: ChunkPolicy) -> [XORChunk] {
        var result: [XORChunk] = []
        var chunk = XORChunk()
        for sample in samples {
            if !chunk.isEmpty
                && (chunk.count >= policy.maxSamples || sample.timestamp - chunk.minTime >= policy.maxDuration) {
                result.append(chunk)
                chunk = XORChunk()
            }
            chunk.append(sample)
        }
        if !chunk.isEmpty { result.append(chunk) }
        return result
    }

    /// One chunk of `samples` (sorted by time), however many.
    static func chunk(of samples: [Sample]) -> XORChunk {
        var chunk = XORChunk()
        for sample in samples { chunk.append(sample) }
        return chunk
    }
}
