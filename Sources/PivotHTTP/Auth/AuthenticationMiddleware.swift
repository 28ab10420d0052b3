import HTTPTypes
import Hummingbird
import PivotAuth

/// Requires credentials on every route but the probes (see `RouteAccess`): 401 with
/// `WWW-Authenticate` when they are missing or wrong, 403 when they are valid but lack the role.
/// Add it to a router before the routes it protects (Hummingbird wraps routes added after a
/// middleware).
public struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    public let authenticator: Authenticator

    public init(authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let role = RouteAccess.role(forPath: request.uri.path) else { return try await next(request, context) }
        let decision = await authenticator.decide(authorization: request.headers[.authorization], role: role)
        switch decision {
        case .granted:
            return try await next(request, context)
        case .unauthenticated:
            var response = plainText("Unauthorized\n", status: .unauthorized)
            for challenge in authenticator.challenges {
                response.headers.append(HTTPField(name: .wwwAuthenticate, value: challenge))
            }
            return response
        case .forbidden(let identity):
            return plainText("Forbidden: \(identity) may not \(role.rawValue)\n", status: .forbidden)
        }
    }
}
