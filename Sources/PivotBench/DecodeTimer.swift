/// Times a decoder: after a warm-up it calibrates how many decodes fill `minRunSeconds`, then takes
/// `runs` runs of that many decodes on the calling thread and keeps the median time per decode.
/// Every decode's tally is compared with `expected`; a mismatch throws instead of reporting a number.
struct DecodeTimer {
    var runs: Int
    var minRunSeconds: Double

    func time<Tally: Equatable & CustomStringConvertible>(
        payload: String, variant: String, bytes: Int, items: Int, expected: Tally,
        _ decode: () throws -> Tally
    ) throws -> DecodeTiming {
        let clock = ContinuousClock()
        func check(_ tally: Tally) throws {
            guard tally == expected else {
                throw BenchError("\(payload) / \(variant) decoded a different request:\n  got      \(tally)\n  expected \(expected)")
            }
        }
        try check(try decode())
        var calibration = 0
        let calibrationStart = clock.now
        while seconds(clock.now - calibrationStart) < minRunSeconds / 4 {
            try check(try decode())
            calibration += 1
        }
        let perDecode = seconds(clock.now - calibrationStart) / Double(max(calibration, 1))
        let iterations = max(1, Int((minRunSeconds / perDecode).rounded(.up)))
        var times: [Double] = []
        for _ in 0..<runs {
            let start = clock.now
            for _ in 0..<iterations {
                try check(try decode())
            }
            times.append(seconds(clock.now - start) / Double(iterations))
        }
        times.sort()
        return DecodeTiming(
            payload: payload, variant: variant, bytes: bytes, items: items, median: times[times.count / 2],
            fastest: times[0], slowest: times[times.count - 1], runs: runs, iterationsPerRun: iterations)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
