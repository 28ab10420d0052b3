import PivotModel

extension XORChunk {
    /// Appends the samples with `range.lowerBound <= timestamp <= range.upperBound` (milliseconds,
    /// inclusive) to `samples`, in order, decoding no further than the first sample after the range.
    /// Same contract as `samples(in:)`, without an intermediate array or per-sample buffer access.
    func appendSamples(in range: ClosedRange<Int64>, to samples: inout [Sample]) {
        guard count > 0, minTime <= range.upperBound, maxTime >= range.lowerBound else { return }
        let lower = range.lowerBound
        let upper = range.upperBound
        bytes.withUnsafeBytes { buffer in
            // Start at the last restart whose previous sample is before the range: every sample before
            // that one is too (timestamps do not decrease).
            let first = firstTime
            var decoder = restarts.last(where: { $0.time(firstTime: first) < lower }).map {
                XORChunkDecoder(count: count, restart: $0, firstTime: first)
            } ?? XORChunkDecoder(count: count)
            while decoder.remaining > 0 {
                decoder.decodeNext(buffer)
                let time = decoder.time
                if time > upper { break }
                if time >= lower { samples.append(Sample(timestamp: time, value: Double(bitPattern: decoder.valueBits))) }
            }
        }
    }
}
