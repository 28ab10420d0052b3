import PivotIngest
import PivotModel
import PivotOTLP

/// One-thread costs of the stages before the store, measured on a copy of a few requests: protobuf
/// decode alone, and decode plus translation (`OTLPMetricsTranslator`, a fresh instance so the run's
/// delta state is untouched). Times are thread CPU time, the median of `runs` passes, in nanoseconds
/// per data point; the translated batches are tallied once to give what the store is asked to write.
struct OTLPPhaseBreakdown {
    /// Requests timed.
    let requests: Int
    /// Data points in those requests (`OTLPMetricsRequest.dataPointCount`).
    let points: Int
    /// Median thread CPU nanoseconds per point of `decode` alone.
    let decodeNanosecondsPerPoint: Double
    /// Median thread CPU nanoseconds per point of `decode` then `translate`.
    let decodeTranslateNanosecondsPerPoint: Double
    /// Summed over the translated batches of the timed requests.
    let series: Int
    let samples: Int
    let histograms: Int
    let exemplars: Int
    let rejectedPoints: Int

    /// Decodes and translates `bodies` `runs` times each way (default 5). Throws a `BenchError` when a
    /// body does not decode.
    init(bodies: [[UInt8]], runs: Int = 5) throws {
        let decoder = OTLPMetricsProtobufDecoder()
        var points = 0
        var decodeRuns: [Double] = []
        for _ in 0..<runs {
            var seen = 0
            let started = ProcessStats.threadCPUSeconds()
            for body in bodies { seen += try Self.decode(body, decoder).dataPointCount }
            decodeRuns.append(ProcessStats.threadCPUSeconds() - started)
            points = seen
        }
        var translateRuns: [Double] = []
        var last: [OTLPTranslationResult] = []
        let now = OTLPMetricsReceiver.wallClock()
        for _ in 0..<runs {
            let translator = OTLPMetricsTranslator()
            var results: [OTLPTranslationResult] = []
            results.reserveCapacity(bodies.count)
            let started = ProcessStats.threadCPUSeconds()
            for body in bodies { results.append(translator.translate(try Self.decode(body, decoder), now: now)) }
            translateRuns.append(ProcessStats.threadCPUSeconds() - started)
            last = results
        }
        requests = bodies.count
        self.points = points
        let perPoint = 1e9 / Double(max(points, 1))
        decodeNanosecondsPerPoint = Self.median(decodeRuns) * perPoint
        decodeTranslateNanosecondsPerPoint = Self.median(translateRuns) * perPoint
        series = last.reduce(0) { $0 + $1.batch.series.count }
        samples = last.reduce(0) { $0 + $1.batch.samples.count }
        histograms = last.reduce(0) { $0 + $1.batch.histograms.count }
        exemplars = last.reduce(0) { $0 + $1.batch.exemplars.count }
        rejectedPoints = last.reduce(0) { $0 + $1.rejectedDataPoints }
    }

    private static func decode(_ body: [UInt8], _ decoder: OTLPMetricsProtobufDecoder) throws -> OTLPMetricsRequest {
        do {
            return try decoder.decode(body)
        } catch {
            throw BenchError("a payload does not decode: \(error)")
        }
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
