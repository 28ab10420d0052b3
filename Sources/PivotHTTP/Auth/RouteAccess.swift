import PivotAuth

/// Which role a request path needs when authentication is on.
///
/// - open (no credentials): `/-/healthy` and `/-/ready`, so that load balancers and orchestrators
///   can probe without secrets;
/// - ingest: `/api/v1/write`, `/api/v1/otlp/…`, `/v1/metrics`, `/v1/traces`, `/v1/logs`;
/// - query: every other path (the Prometheus, Tempo and Jaeger APIs, `/metrics`, buildinfo).
///   Unknown paths also need credentials, so a 404 is never an unauthenticated answer.
public enum RouteAccess {
    /// The role `path` needs; nil for the open probe paths.
    public static func role(forPath path: String) -> AccessRole? {
        let path = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        switch path {
        case "/-/healthy", "/-/ready":
            return nil
        case "/api/v1/write", "/v1/metrics", "/v1/traces", "/v1/logs":
            return .ingest
        default:
            return path.hasPrefix("/api/v1/otlp/") ? .ingest : .query
        }
    }
}
