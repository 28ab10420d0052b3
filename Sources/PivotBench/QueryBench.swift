import CPivotSupport
import Foundation
import Logging
import PivotHTTP
import PivotIngest
import PivotMetricStore
import PivotPromQLEngine
import PivotRemoteWrite

/// `pivot-bench query`: the query set of `../shared/bench/query_bench.py` run in process against a
/// metric store loaded with the same node-exporter-like data: parse, evaluate and encode the API's JSON
/// answer, without HTTP, so engine changes are measured without network and client noise.
enum QueryBench {
    /// The queries of `../shared/bench/query_bench.py`, by its names.
    static let queries: [(name: String, expr: String)] = [
        ("selector", #"node_cpu_seconds_total{mode="idle"}"#),
        ("rate", "rate(node_network_receive_bytes_total[5m])"),
        ("sum_by_job_rate", #"sum by (job) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))"#),
        ("sum_rate_all_cpu", "sum(rate(node_cpu_seconds_total[5m]))"),
        ("topk", "topk(5, rate(node_network_transmit_bytes_total[5m]))"),
        ("histogram_quantile", "histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))"),
        ("avg_over_time", "avg_over_time(node_memory_MemAvailable_bytes[10m])"),
        ("regex_matcher", #"node_filesystem_avail_bytes{mountpoint=~"/var.*", fstype!="tmpfs"}"#),
        ("count_by", "count by (cluster) (node_load1)"),
    ]

    struct Options {
        /// Series, one sample each per round. Default 10,000.
        var series = 10_000
        /// Rounds (samples per series, 15 s apart). Default 120.
        var rounds = 120
        /// Timed runs per query after 3 untimed ones. Default 200.
        var runs = 200
        /// Range query step, seconds. Default 60.
        var step = 60
        /// Only the queries with this name (`topk`, or `range:topk`); nil runs all.
        var only: String?
        /// Megabytes written before each run (untimed), so the run starts with cold caches, as a query
        /// does after its client spent milliseconds parsing the last answer. Default 0 (warm runs).
        var evictMB = 0

        static let usage = """
            usage: pivot-bench query [--series N] [--rounds N] [--runs N] [--step SECONDS] [--only NAME]
                                     [--evict-mb N]

            Loads a metric store in a temporary directory with the data of `pivot-bench ingest` (shaped like
            ../shared/bench/rw_payloads.py), then runs each query of ../shared/bench/query_bench.py as an
            instant query at the last sample's time and as a range query over all samples with --step, in
            process: parse, evaluate, encode the JSON answer. Prints the median and 90th percentile time per
            query over --runs runs; --only runs one query (`topk`) or one kind of it (`range:topk`), for a
            profiler. --evict-mb writes that many megabytes before each run, so runs start with cold
            caches (as the peer benchmark's do: its client parses each answer before the next query).
            Defaults: --series 10000 --rounds 120 --runs 200 --step 60 --evict-mb 0.
            """

        /// Parses the arguments after the program name (the first is `query`).
        init(arguments: [String]) throws {
            var rest = arguments.dropFirst()
            while let flag = rest.popFirst() {
                if flag == "--help" || flag == "-h" { throw BenchError("") }
                let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
                let name = parts[0]
                if name == "--only" {
                    guard let text = parts.count > 1 ? parts[1] : rest.popFirst(), !text.isEmpty else {
                        throw BenchError("--only needs a query name")
                    }
                    only = text
                    continue
                }
                guard let text = parts.count > 1 ? parts[1] : rest.popFirst(), let value = Int(text),
                    value > 0 || (name == "--evict-mb" && value == 0)
                else {
                    throw BenchError("\(name) needs a positive integer")
                }
                switch name {
                case "--series": series = value
                case "--rounds": rounds = value
                case "--runs": runs = value
                case "--step": step = value
                case "--evict-mb": evictMB = value
                default: throw BenchError("unknown flag \(name)")
                }
            }
        }
    }

    static func run(_ options: Options) async throws {
        pivot_tune_malloc()  // as the server does at start
        print(machineDescription())
        let ingestOptions = try IngestBenchOptions(
            arguments: ["ingest", "--series", "\(options.series)", "--rounds", "\(options.rounds)"])
        let fixture = IngestFixture(options: ingestOptions)
        let directory = NSTemporaryDirectory() + "pivot-bench-query-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var storeOptions = MetricStoreOptions(path: directory)
        storeOptions.checkpointInterval = .seconds(3_600)
        let store = try await MetricStore.open(options: storeOptions, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let ingestor = Ingestor(store: store)
        let decoder = RemoteWriteDecoder()
        for round in fixture.rounds {
            try await IngestBench.ingestRound(round, concurrency: 4, decoder: decoder, ingestor: ingestor)
        }
        print("store: \(options.series) series × \(options.rounds) samples; range queries step \(options.step) s; "
            + "\(options.runs) timed runs per query (parse, evaluate, encode JSON)")

        let engine = Engine(queryable: store)
        let end = IngestFixture.end
        let start = IngestFixture.start(rounds: options.rounds)
        var scratch = [UInt8](repeating: 0, count: options.evictMB << 20)
        if options.evictMB > 0 { print("caches: \(options.evictMB) MB written before each run") }
        print("| query | median µs | p90 µs | series | JSON bytes |")
        print("|---|---:|---:|---:|---:|")
        for query in queries {
            for isRange in [false, true] {
                let kind = isRange ? "range" : "instant"
                if let only = options.only, only != query.name, only != "\(kind):\(query.name)" { continue }
                var times: [Double] = []
                times.reserveCapacity(options.runs)
                var series = 0
                var bytes = 0
                for run in 0..<(options.runs + 3) {
                    if !scratch.isEmpty { Self.evict(&scratch, round: run) }
                    let started = ContinuousClock.now
                    let result = isRange
                        ? try engine.rangeQuery(query.expr, start: start, end: end, step: Int64(options.step) * 1_000)
                        : try engine.instantQuery(query.expr, at: end)
                    let body = result.apiBody
                    let elapsed = ProcessStats.seconds(ContinuousClock.now - started)
                    if run >= 3 { times.append(elapsed * 1e6) }
                    bytes = body.count
                    series = switch result.value {
                    case .vector(let elements): elements.count
                    case .matrix(let matrix): matrix.count
                    default: 1
                    }
                }
                times.sort()
                print(String(
                    format: "| `%@:%@` | %.0f | %.0f | %d | %d |", kind, query.name,
                    times[times.count / 2], times[times.count * 9 / 10], series, bytes))
            }
        }
        await store.close()
    }

    /// Writes every cache line of `scratch`, pushing what the last run left in the caches out.
    static func evict(_ scratch: inout [UInt8], round: Int) {
        let value = UInt8(truncatingIfNeeded: round)
        scratch.withUnsafeMutableBufferPointer { bytes in
            for offset in stride(from: 0, to: bytes.count, by: 64) { bytes[offset] = value }
        }
    }
}
