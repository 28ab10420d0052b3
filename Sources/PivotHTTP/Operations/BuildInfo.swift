/// What `/api/v1/status/buildinfo`, `/metrics` and `pivot version` report about this binary.
public struct BuildInfo: Sendable, Hashable {
    /// Pivot's own version.
    public var version: String
    /// The Prometheus API version Pivot is compatible with: Grafana gates features on a
    /// Prometheus-like version in buildinfo (≥ 2.24 enables the labels-match API).
    public var prometheusCompatibleVersion: String
    public var revision: String
    public var branch: String
    public var buildUser: String
    public var buildDate: String
    public var swiftVersion: String

    public init(version: String, prometheusCompatibleVersion: String, revision: String, branch: String,
                buildUser: String, buildDate: String, swiftVersion: String) {
        self.version = version
        self.prometheusCompatibleVersion = prometheusCompatibleVersion
        self.revision = revision
        self.branch = branch
        self.buildUser = buildUser
        self.buildDate = buildDate
        self.swiftVersion = swiftVersion
    }
}
