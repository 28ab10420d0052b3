import HTTPTypes
import NIOCore
import PivotAuth

/// A request read whole by the connection: its head and, if it had one, its body.
public struct InlineRequest: Sendable {
    public var head: HTTPRequest
    public var body: ByteBuffer?

    public init(head: HTTPRequest, body: ByteBuffer? = nil) {
        self.head = head
        self.body = body
    }
}

/// A complete answer with its body in bytes.
public struct InlineAnswer: Sendable {
    public var status: HTTPResponse.Status
    public var contentType: String
    public var body: ByteBuffer

    public init(status: HTTPResponse.Status, contentType: String, body: ByteBuffer) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Routes a connection may answer by itself, inside its channel pipeline on its event loop, before
/// the router sees the request (`InlineRequestHandler`).
///
/// Hummingbird hands every request to the router through async request and response streams: about
/// 0.07 ms of server CPU per request here, half of a small query's whole time. A route registered
/// here answers synchronously when it can (for the query API: a query whose last run of the same
/// shape was quick) and returns nil when it cannot; the request then goes to the router, which
/// answers it as it answers every other one. So a route here only ever adds a faster way to the
/// same answer: the router's registration stays complete.
///
/// A request is answered here only if nothing has to wait for it: a GET or POST that asks to keep the
/// connection open, without `Expect`, a body of at most `maxBodyBytes`, no earlier request of the
/// connection still with the router (answers keep the order of their requests), and credentials that
/// need no password verification (a bearer token, or a password already verified once; see
/// `Authenticator.grantsWithoutWaiting`). It is counted in `pivot_http_requests_total` and
/// `pivot_http_request_duration_seconds` under its path, as the router counts it.
public struct InlineRoutes: Sendable {
    public typealias Route = @Sendable (InlineRequest) -> InlineAnswer?

    /// Largest body held back for an inline answer; a longer one goes to the router as it arrives.
    /// Grafana's query forms are far smaller.
    public static let maxBodyBytes = 64 << 10

    private var routes: [String: Route] = [:]
    let authenticator: Authenticator?
    let metrics = HandlerMetricsCache()

    /// - Parameter authenticator: the listener's credentials check; nil when it has none.
    public init(authenticator: Authenticator?) {
        self.authenticator = authenticator
    }

    /// Answers requests for `path` (exactly, without its query string) with `route` when it returns
    /// an answer.
    public mutating func add(_ path: String, _ route: @escaping Route) {
        routes[path] = route
    }

    public var isEmpty: Bool { routes.isEmpty }

    /// The channel handler of one connection.
    public func makeHandler() -> any RemovableChannelHandler {
        InlineRequestHandler(routes: self)
    }

    /// The route that may answer a request with this head here, or nil if it must go to the router.
    func route(for head: HTTPRequest) -> (path: String, route: Route)? {
        guard head.method == .get || head.method == .post, let target = head.path else { return nil }
        let bytes = target.utf8
        let path = String(Substring(bytes[..<(bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex)]))
        guard let route = routes[path] else { return nil }
        if let connection = head.headerFields[.connection], connection.lowercased().contains("close") { return nil }
        if head.headerFields[.expect] != nil { return nil }
        if let authenticator, let role = RouteAccess.role(forPath: path),
            !authenticator.grantsWithoutWaiting(authorization: head.headerFields[.authorization], role: role)
        {
            return nil
        }
        return (path, route)
    }
}
