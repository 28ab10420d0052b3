import PivotRemoteWrite

/// The fuzz targets: each feeds arbitrary bytes to one decoder or parser through the entry point a
/// real request uses. A thrown decoding error is an expected outcome; a crash, a trap, a hang or an
/// allocation without bound is a bug, and so is a broken invariant (checked with `FuzzInvariant`).
///
/// `pivot-fuzz <name>` runs one under libFuzzer (or replays files through it without libFuzzer);
/// `PivotFuzzTargetsTests` replays the committed corpus and regressions through every target.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case remoteWrite1 = "remote-write-1"
    case remoteWrite2 = "remote-write-2"
    case otlpMetricsProto = "otlp-metrics-proto"
    case otlpTracesProto = "otlp-traces-proto"
    case otlpJSON = "otlp-json"
    case promql = "promql"
    case traceID = "trace-id"
    case traceQL = "traceql"
    case testScript = "test-script"

    /// What the target exercises, for `pivot-fuzz --list` and the docs.
    public var summary: String {
        switch self {
        case .remoteWrite1: "snappy + remote-write 1.0 decoding, then the ingest label checks"
        case .remoteWrite2: "snappy + remote-write 2.0 decoding, then the ingest label checks"
        case .otlpMetricsProto: "OTLP/HTTP body decompression + OTLP metrics protobuf decoding + translation"
        case .otlpTracesProto: "OTLP/HTTP body decompression + OTLP traces protobuf decoding + trace read encodings"
        case .otlpJSON: "OTLP/JSON metrics, traces and logs decoding (+ translation and trace read encodings)"
        case .promql: "PromQL expression, series selector and duration parsing; printed expressions re-parse"
        case .traceID: "trace and span id parsing; parsed ids print and re-parse to the same bytes"
        case .traceQL: "the TraceQL subset, Tempo logfmt tags, Jaeger JSON tags, Go durations; evaluation"
        case .testScript: "the PromQL test-script parser (load/eval commands, value expansion)"
        }
    }

    /// Feeds `input` to the target. Returns normally for every input that is handled (decoded or
    /// refused with an error); traps on a broken invariant.
    public func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .remoteWrite1: RemoteWriteFuzzing.run(input, version: .v1)
        case .remoteWrite2: RemoteWriteFuzzing.run(input, version: .v2)
        case .otlpMetricsProto: OTLPFuzzing.metricsProtobuf(input)
        case .otlpTracesProto: OTLPFuzzing.tracesProtobuf(input)
        case .otlpJSON: OTLPFuzzing.json(input)
        case .promql: PromQLFuzzing.run(input)
        case .traceID: TraceQueryFuzzing.traceID(input)
        case .traceQL: TraceQueryFuzzing.traceQL(input)
        case .testScript: TestScriptFuzzing.run(input)
        }
    }

    /// `run` over the bytes of an array (the replay path).
    public func run(_ input: [UInt8]) {
        input.withUnsafeBytes { run($0) }
    }
}
