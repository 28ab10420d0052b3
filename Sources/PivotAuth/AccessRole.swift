/// What a request does, for role separation: write telemetry, or read it back.
public enum AccessRole: String, Sendable, Hashable, CaseIterable {
    /// Remote-write and OTLP metrics, traces and logs, over HTTP and gRPC.
    case ingest
    /// The Prometheus, Tempo and Jaeger APIs and `/metrics`.
    case query
}
