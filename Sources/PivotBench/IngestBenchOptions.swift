/// The command line of `pivot-bench ingest`.
struct IngestBenchOptions {
    /// Series, one sample each per round. Default 10,000.
    var series = 10_000
    /// Rounds (samples per series). Default 120.
    var rounds = 120
    /// Requests ingested at once. Default 4.
    var concurrency = 4
    /// Series (= samples) per remote-write request. Default 2,000.
    var batchSize = 2_000
    /// Samples in a thousand that carry an exemplar. Default 10 (1 %).
    var exemplarsPerMille = 10
    /// Samples per head chunk (`ChunkPolicy.maxSamples`); 0 keeps the store's default. Default 0.
    var chunkSamples = 0
    /// SQLite page size for the new database; 0 keeps the store's default. Default 0.
    var pageSize = 0
    /// Keep the data directory after the run (its path is printed). Default: removed.
    var keepDirectory = false

    static let usage = """
        usage: pivot-bench ingest [--series N] [--rounds N] [--concurrency N] [--batch-size N]
                                  [--exemplars-per-mille N] [--chunk-samples N] [--page-size N] [--keep]

        Generates remote-write 1.0 requests shaped like ../shared/bench/rw_payloads.py (node-exporter-like
        series, one sample per series per round, 15 s apart, 1 % exemplars), snappy-compresses them up front,
        then measures in process: snappy + protobuf decode, label validation (PivotIngest.Ingestor), metric
        store append and commit (write-ahead log) into a temporary directory. Reports samples/s (first round
        and later rounds), CPU seconds per million samples (getrusage), resident memory per series after
        malloc_trim, and bytes on disk after a graceful close. Defaults: --series 10000 --rounds 120
        --concurrency 4 --batch-size 2000 --exemplars-per-mille 10.
        """

    /// Parses the arguments after the program name (the first is `ingest`). Throws a `BenchError`
    /// naming the bad argument; an empty message asks for the usage text.
    init(arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            if flag == "--help" || flag == "-h" { throw BenchError("") }
            if flag == "--keep" {
                keepDirectory = true
                continue
            }
            let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            guard let text = parts.count > 1 ? parts[1] : rest.popFirst(), let value = Int(text), value >= 0 else {
                throw BenchError("\(name) needs a non-negative integer")
            }
            switch name {
            case "--series": series = value
            case "--rounds": rounds = value
            case "--concurrency": concurrency = value
            case "--batch-size": batchSize = value
            case "--exemplars-per-mille": exemplarsPerMille = value
            case "--chunk-samples": chunkSamples = value
            case "--page-size": pageSize = value
            default: throw BenchError("unknown flag \(name)")
            }
        }
        if series == 0 || rounds == 0 || concurrency == 0 || batchSize == 0 {
            throw BenchError("--series, --rounds, --concurrency and --batch-size must be positive")
        }
    }
}
