import CPivotSupport
import Foundation
import Logging
import PivotIngest
import PivotMetricStore
import PivotModel
import PivotOTLP
import PivotStorage

/// `pivot-bench otlp`: the server's OTLP metrics path in process, without HTTP. Each request is
/// decoded (`OTLPMetricsProtobufDecoder`) and exported through `OTLPMetricsReceiver`, which
/// translates it and hands the batch to `Ingestor.ingest` (validation, append, commit to the
/// write-ahead log) before returning; `concurrency` requests run at once, one round after another.
enum OTLPBench {
    /// What the exports of one round answered.
    private struct Tally {
        var accepted = 0
        var rejected = 0
        var firstError = ""
    }

    static func run(_ options: OTLPBenchOptions) async throws {
        pivot_tune_malloc()  // as the server does at start
        print(machineDescription())
        let loadClock = ContinuousClock.now
        let payloads = try OTLPPayloads(directory: options.directory)
        let totalPoints = payloads.totalPoints
        let firstRoundPoints = payloads.points[0].reduce(0, +)
        print("payloads: \(payloads.requests) requests in \(payloads.rounds.count) rounds "
            + "(\(payloads.rounds[0].count) in round 1), \(totalPoints) points, \(payloads.exemplars) exemplars, "
            + "\(payloads.expectedSeries) expected series (+ target_info), "
            + String(format: "%.1f MB, loaded in %.1f s", Double(payloads.bytes) / 1e6,
                     ProcessStats.seconds(ContinuousClock.now - loadClock)))

        let phaseCount = options.phaseRequests > 0 ? options.phaseRequests : payloads.rounds[0].count
        let phases = try OTLPPhaseBreakdown(bodies: payloads.firstRequests(phaseCount))
        let phasePoints = Double(max(phases.points, 1))
        print("one thread, first \(phases.requests) requests (\(phases.points) points), thread CPU, median of 5:")
        print(String(format: "  decode only: %.0f ns/point", phases.decodeNanosecondsPerPoint))
        print(String(format: "  decode + translate: %.0f ns/point (translate %.0f ns/point)",
                     phases.decodeTranslateNanosecondsPerPoint,
                     phases.decodeTranslateNanosecondsPerPoint - phases.decodeNanosecondsPerPoint))
        print(String(format: "  translated: %.2f samples, %.2f native histograms, %.3f exemplars, %.2f series per point; "
            + "%d points rejected",
            Double(phases.samples) / phasePoints, Double(phases.histograms) / phasePoints,
            Double(phases.exemplars) / phasePoints, Double(phases.series) / phasePoints, phases.rejectedPoints))

        let directory = NSTemporaryDirectory() + "pivot-bench-otlp-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        defer { if !options.keepDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        var storeOptions = MetricStoreOptions(path: directory)
        storeOptions.checkpointInterval = .seconds(3_600)
        let store = try await MetricStore.open(options: storeOptions, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let ingestor = Ingestor(store: store)
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { ingestor })
        let decoder = OTLPMetricsProtobufDecoder()

        let idleRSS = ProcessStats.trimmedResidentBytes()
        var firstRoundSeconds = 0.0
        var laterSeconds = 0.0
        var firstRoundCPU = 0.0
        var laterCPU = 0.0
        var firstRoundRSS = idleRSS
        var tally = Tally()
        for round in payloads.rounds.indices {
            let cpuBefore = ProcessStats.cpuSeconds()
            let started = ContinuousClock.now
            let answered = try await exportRound(
                payloads.rounds[round], concurrency: options.concurrency, decoder: decoder, receiver: receiver)
            let elapsed = ProcessStats.seconds(ContinuousClock.now - started)
            let cpu = ProcessStats.cpuSeconds() - cpuBefore
            tally.accepted += answered.accepted
            tally.rejected += answered.rejected
            if tally.firstError.isEmpty { tally.firstError = answered.firstError }
            if round == 0 {
                firstRoundSeconds = elapsed
                firstRoundCPU = cpu
                firstRoundRSS = ProcessStats.trimmedResidentBytes()
            } else {
                laterSeconds += elapsed
                laterCPU += cpu
            }
        }
        let rss = ProcessStats.trimmedResidentBytes()
        if ProcessInfo.processInfo.environment["PIVOT_BENCH_MALLOC_STATS"] != nil { mallocStats() }
        let stats = store.headStats()
        let total = Double(totalPoints)
        print("exports: \(tally.accepted) points accepted, \(tally.rejected) rejected"
            + (tally.firstError.isEmpty ? "" : " (first reason: \(tally.firstError))"))
        print("head: \(stats.numSeries) series, \(stats.numSamples) samples, \(stats.chunkCount) chunks; "
            + String(format: "%.2f samples written per point", Double(stats.numSamples) / total))
        print(String(format: "first round (all series new), concurrency %d: %.0f points/s, %.3f CPU-s per 1M points",
                     options.concurrency, Double(firstRoundPoints) / firstRoundSeconds,
                     firstRoundCPU / Double(firstRoundPoints) * 1e6))
        if payloads.rounds.count > 1 {
            let later = total - Double(firstRoundPoints)
            print(String(format: "later rounds: %.0f points/s, %.3f CPU-s per 1M points",
                         later / laterSeconds, laterCPU / later * 1e6))
        }
        let allCPUPerPoint = (firstRoundCPU + laterCPU) / total
        print(String(format: "all rounds: %.0f points/s, %.3f CPU-s per 1M points",
                     total / (firstRoundSeconds + laterSeconds), allCPUPerPoint * 1e6))
        print(String(format: "store and the rest (all-rounds CPU minus one-thread decode + translate): ~%.0f ns/point",
                     allCPUPerPoint * 1e9 - phases.decodeTranslateNanosecondsPerPoint))
        let series = max(stats.numSeries, 1)
        print("RSS delta per series: \((firstRoundRSS - idleRSS) / series) bytes after round 1, "
            + "\((rss - idleRSS) / series) bytes after all rounds (RSS \(rss >> 20) MiB)")

        let closeClock = ContinuousClock.now
        await store.close()
        let closeSeconds = ProcessStats.seconds(ContinuousClock.now - closeClock)
        let bytes = ProcessStats.directoryBytes(directory)
        print(String(format: "disk after close (%.1f s): %d bytes, %.3f bytes/point, %.3f bytes/sample",
                     closeSeconds, bytes, Double(bytes) / total, Double(bytes) / Double(max(stats.numSamples, 1)))
            + (options.keepDirectory ? " in \(directory)" : ""))
    }

    /// Exports one round's requests, `concurrency` at a time, as the OTLP/HTTP route does per request.
    private static func exportRound(
        _ bodies: [[UInt8]], concurrency: Int, decoder: OTLPMetricsProtobufDecoder, receiver: OTLPMetricsReceiver
    ) async throws -> Tally {
        try await withThrowingTaskGroup(of: OTLPExportOutcome.self) { group in
            var next = 0
            var tally = Tally()
            func submit() {
                let body = bodies[next]
                next += 1
                group.addTask {
                    let request = try decoder.decode(body)
                    return try await receiver.export(request, via: .otlpHTTP)
                }
            }
            while next < min(concurrency, bodies.count) { submit() }
            while let outcome = try await group.next() {
                tally.accepted += outcome.acceptedDataPoints
                tally.rejected += outcome.rejectedDataPoints
                if tally.firstError.isEmpty { tally.firstError = outcome.errorMessage }
                if next < bodies.count { submit() }
            }
            return tally
        }
    }
}
