import Hummingbird

/// `/-/healthy`, `/-/ready`, `/metrics` and `/api/v1/status/buildinfo`, in Prometheus's shapes.
public struct OperationsRoutes: Sendable {
    public var buildInfo: BuildInfo
    public var readiness: Readiness
    public var metrics: any MetricsExposition

    public init(buildInfo: BuildInfo, readiness: Readiness, metrics: any MetricsExposition) {
        self.buildInfo = buildInfo
        self.readiness = readiness
        self.metrics = metrics
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let readiness = self.readiness
        let metrics = self.metrics
        let buildInfoBody = Self.buildInfoJSON(buildInfo)

        router.on("/-/healthy", method: .get) { _, _ in plainText("Pivot is Healthy.\n") }
        router.on("/-/healthy", method: .head) { _, _ in Response(status: .ok) }
        router.on("/-/ready", method: .get) { _, _ in
            readiness.isReady
                ? plainText("Pivot is Ready.\n")
                : plainText("Service Unavailable\n", status: .serviceUnavailable)
        }
        router.on("/-/ready", method: .head) { _, _ in
            Response(status: readiness.isReady ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/api/v1/status/buildinfo") { _, _ in jsonResponse(buildInfoBody) }
        MethodNotAllowed.register(on: router, allowing: [.get, .head], paths: ["/-/healthy", "/-/ready"])
        MethodNotAllowed.register(on: router, allowing: [.get], paths: ["/metrics", "/api/v1/status/buildinfo"])
    }

    /// Prometheus's buildinfo shape. No `features` field: Grafana would classify the server as Mimir.
    static func buildInfoJSON(_ info: BuildInfo) -> String {
        let data: [(String, String)] = [
            ("version", info.prometheusCompatibleVersion),
            ("revision", info.revision),
            ("branch", info.branch),
            ("buildUser", info.buildUser),
            ("buildDate", info.buildDate),
            ("goVersion", info.swiftVersion),
        ]
        let fields = data.map { "\(JSONString.quote($0.0)):\(JSONString.quote($0.1))" }.joined(separator: ",")
        return "{\"status\":\"success\",\"data\":{\(fields)}}"
    }
}
