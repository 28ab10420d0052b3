/// The command line of `pivot-bench otlp`.
struct OTLPBenchOptions {
    /// Directory written by `bench/otlp/otlp_payloads.py --out DIR` (manifest.json plus one protobuf
    /// `ExportMetricsServiceRequest` per file). Required.
    var directory = ""
    /// Requests exported at once. Default 4.
    var concurrency = 4
    /// Requests (from the start of round 0) timed on one thread for the decode / translate breakdown;
    /// 0 uses one round. Default 50.
    var phaseRequests = 50
    /// Keep the data directory after the run (its path is printed). Default: removed.
    var keepDirectory = false

    static let usage = """
        usage: pivot-bench otlp --dir DIR [--concurrency N] [--phase-requests N] [--keep-directory]

        Loads every request written by `python3 bench/otlp/otlp_payloads.py --out DIR` into memory, then
        measures the server's OTLP metrics path in process, without HTTP: protobuf decode
        (OTLPMetricsProtobufDecoder), translation to Prometheus series (OTLPMetricsTranslator), label
        validation, metric store append and commit (OTLPMetricsReceiver → Ingestor → MetricStore in a
        temporary directory), `--concurrency` requests in flight, rounds in order. Reports data points/s
        and CPU seconds per million points (first round and later rounds), a one-thread breakdown (decode
        only, decode + translate, in ns per point) over the first `--phase-requests` requests, samples
        written per point, resident memory and bytes on disk after a graceful close.
        Defaults: --concurrency 4 --phase-requests 50 (0 = one round).
        """

    /// Parses the arguments after the program name (the first is `otlp`). Throws a `BenchError`
    /// naming the bad argument; an empty message asks for the usage text.
    init(arguments: [String]) throws {
        guard arguments.first == "otlp" else {
            throw BenchError(arguments.isEmpty ? "missing command" : "unknown command \(arguments[0])")
        }
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            if flag == "--help" || flag == "-h" { throw BenchError("") }
            if flag == "--keep-directory" {
                keepDirectory = true
                continue
            }
            let parts = flag.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            guard ["--dir", "--concurrency", "--phase-requests"].contains(name) else {
                throw BenchError("unknown flag \(name)")
            }
            guard let text = parts.count > 1 ? parts[1] : rest.popFirst(), !text.isEmpty else {
                throw BenchError("\(name) needs a value")
            }
            if name == "--dir" {
                directory = text
                continue
            }
            guard let value = Int(text), value >= 0 else { throw BenchError("\(name) needs a non-negative integer") }
            if name == "--concurrency" { concurrency = value } else { phaseRequests = value }
        }
        if directory.isEmpty { throw BenchError("--dir is required") }
        if concurrency == 0 { throw BenchError("--concurrency must be positive") }
    }
}
