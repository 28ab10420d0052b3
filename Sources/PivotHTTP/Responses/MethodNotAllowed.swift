import Hummingbird

/// Answers a route's unsupported standard methods with 405, an `Allow` header and a plain-text reason,
/// as Prometheus's router does (on its own the router answers 404 for a known path and the wrong
/// method). Register it next to the route with the methods the route serves.
enum MethodNotAllowed {
    /// The methods answered with 405 when a route does not serve them. Other methods stay 404.
    static let refused: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch]

    static func register<Context: RequestContext>(
        on router: Router<Context>, allowing allowed: [HTTPRequest.Method], paths: [String]
    ) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for path in paths {
            for method in refused where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ in
                    Response(
                        status: .methodNotAllowed,
                        headers: [.allow: allow, .contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(
                            string: "method \(request.method.rawValue) not allowed on \(request.uri.path): use \(allow)\n")))
                }
            }
        }
    }
}
