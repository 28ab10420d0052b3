import CPivotSupport
import Foundation
import Logging
import PivotIngest
import PivotMetricStore
import PivotModel
import PivotRemoteWrite
import PivotStorage

/// `pivot-bench ingest`: the server's remote-write path in process, without HTTP. Each request is
/// decoded (snappy + protobuf) and handed to `Ingestor.ingest`, which validates labels, appends to
/// the metric store and commits (write-ahead log) before returning; `concurrency` requests run at once.
enum IngestBench {
    static func run(_ options: IngestBenchOptions) async throws {
        pivot_tune_malloc()  // as the server does at start
        print(machineDescription())
        let buildClock = ContinuousClock.now
        let fixture = IngestFixture(options: options)
        print("payloads: \(options.series) series × \(options.rounds) rounds = \(fixture.samples) samples, "
            + "\(fixture.exemplars) exemplars, \(fixture.rounds.first?.count ?? 0) requests per round, "
            + String(format: "%.1f MB snappy (%.1f MB raw), built in %.1f s",
                     Double(fixture.compressedBytes) / 1e6, Double(fixture.uncompressedBytes) / 1e6,
                     ProcessStats.seconds(ContinuousClock.now - buildClock)))

        let decoder = RemoteWriteDecoder()
        let decodeCPU = ProcessStats.cpuSeconds()
        for body in fixture.rounds[0] { _ = try decoder.decode(body: body, version: .v1) }
        let decodeSeconds = ProcessStats.cpuSeconds() - decodeCPU

        let directory = NSTemporaryDirectory() + "pivot-bench-ingest-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        defer { if !options.keepDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        var storeOptions = MetricStoreOptions(path: directory)
        storeOptions.checkpointInterval = .seconds(3_600)
        if options.chunkSamples > 0 { storeOptions.chunks = ChunkPolicy(maxSamples: options.chunkSamples) }
        if options.pageSize > 0 { storeOptions.sqlitePageSize = options.pageSize }
        let store = try await MetricStore.open(options: storeOptions, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let ingestor = Ingestor(store: store)

        let idleRSS = ProcessStats.trimmedResidentBytes()
        var firstRoundSeconds = 0.0
        var laterSeconds = 0.0
        var firstRoundCPU = 0.0
        var laterCPU = 0.0
        var firstRoundRSS = idleRSS
        for round in fixture.rounds.indices {
            let cpuBefore = ProcessStats.cpuSeconds()
            let started = ContinuousClock.now
            try await ingestRound(fixture.rounds[round], concurrency: options.concurrency, decoder: decoder, ingestor: ingestor)
            let elapsed = ProcessStats.seconds(ContinuousClock.now - started)
            let cpu = ProcessStats.cpuSeconds() - cpuBefore
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
        let series = Double(options.series)
        let stats = store.headStats()
        print("head: \(stats.numSeries) series, \(stats.numSamples) samples, \(stats.chunkCount) chunks")
        print(String(format: "decode only (snappy + protobuf, one thread): %.0f ns/sample", decodeSeconds / series * 1e9))
        print(String(format: "first round (all series new): %.0f samples/s, %.3f CPU-s per 1M samples",
                     series / firstRoundSeconds, firstRoundCPU / series * 1e6))
        if fixture.rounds.count > 1 {
            let later = series * Double(fixture.rounds.count - 1)
            print(String(format: "later rounds: %.0f samples/s, %.3f CPU-s per 1M samples",
                         later / laterSeconds, laterCPU / later * 1e6))
        }
        let total = Double(fixture.samples)
        print(String(format: "all rounds: %.0f samples/s, %.3f CPU-s per 1M samples",
                     total / (firstRoundSeconds + laterSeconds), (firstRoundCPU + laterCPU) / total * 1e6))
        print("RSS delta per series: \((firstRoundRSS - idleRSS) / options.series) bytes after round 1, "
            + "\((rss - idleRSS) / options.series) bytes after all rounds (RSS \(rss >> 20) MiB)")

        let closeClock = ContinuousClock.now
        await store.close()
        let closeSeconds = ProcessStats.seconds(ContinuousClock.now - closeClock)
        let bytes = ProcessStats.directoryBytes(directory)
        print(String(format: "disk after close (%.1f s): %d bytes, %.3f bytes/sample", closeSeconds, bytes, Double(bytes) / total)
            + (options.keepDirectory ? " in \(directory)" : ""))
    }

    /// Ingests one round's requests, `concurrency` at a time, as the HTTP route does per request.
    static func ingestRound(
        _ bodies: [[UInt8]], concurrency: Int, decoder: RemoteWriteDecoder, ingestor: Ingestor
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func submit() {
                let body = bodies[next]
                next += 1
                group.addTask {
                    let decoded = try decoder.decode(body: body, version: .v1)
                    _ = try await ingestor.ingest(
                        decoded.batch, via: .remoteWrite1, exemplarsDroppedByDecoder: decoded.exemplarsDropped)
                }
            }
            while next < min(concurrency, bodies.count) { submit() }
            while try await group.next() != nil {
                if next < bodies.count { submit() }
            }
        }
    }
}
