/// The command line of `pivot-bench decode`.
struct DecodeBenchOptions {
    /// Timed runs per variant; the median is reported. Default 11.
    var runs = 11
    /// Minimum length of one timed run, in milliseconds (short decodes are repeated to fill it). Default 200.
    var minRunMilliseconds = 200
    /// Series (one sample each) in the remote-write request. Default 2,000.
    var series = 2_000
    /// OTLP resources, 250 data points each. Default 4 (1,000 points).
    var otlpResources = 4

    static let usage = """
        usage: pivot-bench decode [--runs N] [--min-run-ms MS] [--series N] [--otlp-resources N]

        Measures protobuf decode speed (release build, one thread) of a remote-write 1.0 request and an OTLP
        metrics request with swift-protobuf, protobuf-c and Pivot's hand-written decoders, checking that
        every variant decodes the same samples or points. Defaults: --runs 11 --min-run-ms 200
        --series 2000 --otlp-resources 4 (1,000 points).
        """

    /// Parses the arguments after the program name. Throws a `BenchError` naming the bad argument.
    init(arguments: [String]) throws {
        guard arguments.first == "decode" else {
            throw BenchError(arguments.isEmpty ? "missing command" : "unknown command \(arguments[0])")
        }
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            if flag == "--help" || flag == "-h" { throw BenchError("") }
            let (name, inline) = flag.split(separator: "=", maxSplits: 1).map(String.init).pair
            guard let text = inline ?? rest.popFirst(), let value = Int(text), value > 0 else {
                throw BenchError("\(name) needs a positive integer")
            }
            switch name {
            case "--runs": runs = value
            case "--min-run-ms": minRunMilliseconds = value
            case "--series": series = value
            case "--otlp-resources": otlpResources = value
            default: throw BenchError("unknown flag \(name)")
            }
        }
    }
}

extension Array where Element == String {
    fileprivate var pair: (String, String?) { (self[0], count > 1 ? self[1] : nil) }
}
