import PivotModel

extension XORChunk {
    /// A decoder at the last restart whose previous sample is before `time`: every sample before that
    /// one is too (timestamps do not decrease), so a read from `time` on can start there.
    private func decoder(before time: Int64) -> XORChunkDecoder {
        let first = firstTime
        return restarts.last(where: { $0.time(firstTime: first) < time }).map {
            XORChunkDecoder(count: count, restart: $0, firstTime: first)
        } ?? XORChunkDecoder(count: count)
    }

    /// Appends the samples with `range.lowerBound <= timestamp <= range.upperBound` (milliseconds,
    /// inclusive) to `samples`, in order, decoding no further than the first sample after the range.
    /// Same contract as `samples(in:)`, without an intermediate array or per-sample buffer access.
    func appendSamples(in range: ClosedRange<Int64>, to samples: inout [Sample]) {
        guard count > 0, minTime <= range.upperBound, maxTime >= range.lowerBound else { return }
        let lower = range.lowerBound
        let upper = range.upperBound
        bytes.withUnsafeBytes { buffer in
            var decoder = decoder(before: lower)
            while decoder.remaining > 0 {
                decoder.decodeNext(buffer)
                let time = decoder.time
                if time > upper { break }
                if time >= lower { samples.append(Sample(timestamp: time, value: Double(bitPattern: decoder.valueBits))) }
            }
        }
    }

    /// Offers the samples in `range` to `sampler`, which appends the ones it keeps to `samples`. A
    /// sample's value is computed only when it is kept: the decoder still holds it when the next
    /// timestamp shows whether it is.
    func appendSamples(in range: ClosedRange<Int64>, sampler: inout StepSampler, to samples: inout [Sample]) {
        guard count > 0, minTime <= range.upperBound, maxTime >= range.lowerBound else { return }
        let lower = range.lowerBound
        let upper = range.upperBound
        bytes.withUnsafeBytes { buffer in
            var decoder = decoder(before: lower)
            // Whether the pending sample is the decoder's current one (its value not yet computed); a
            // pending sample of an earlier chunk is then older, and replaced when the loop ends.
            var pendingHere = false
            var pendingTime: Int64 = 0
            while decoder.remaining > 0 {
                decoder.decodeTime(buffer)
                let time = decoder.time
                if time > upper { break }
                if time >= lower {
                    if sampler.passes(time) {
                        if pendingHere {
                            samples.append(Sample(timestamp: pendingTime, value: Double(bitPattern: decoder.valueBits)))
                        } else if let pending = sampler.pending {
                            samples.append(pending)
                        }
                        sampler.advance(to: time)
                    }
                    pendingHere = true
                    pendingTime = time
                }
                decoder.decodeValue(buffer)
            }
            if pendingHere {
                // Its value is the decoder's current one, whether or not the loop read a later timestamp.
                sampler.pending = Sample(timestamp: pendingTime, value: Double(bitPattern: decoder.valueBits))
            }
        }
    }
}
