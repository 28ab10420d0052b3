/// The timing of one decoder variant on one payload.
struct DecodeTiming {
    var payload: String
    var variant: String
    var bytes: Int
    /// Samples (remote-write) or data points (OTLP) in the payload.
    var items: Int
    /// Median, fastest and slowest time of one decode across the runs, in seconds.
    var median: Double
    var fastest: Double
    var slowest: Double
    var runs: Int
    var iterationsPerRun: Int

    var megabytesPerSecond: Double { Double(bytes) / median / 1_000_000 }
    var itemsPerSecond: Double { Double(items) / median }
}
