import GRPCCore
import PivotAuth

/// Requires ingest credentials on every RPC of the OTLP/gRPC listener (all its services are
/// exports): the `authorization` metadata entry, as HTTP's header. Missing or wrong credentials
/// fail with `unauthenticated`; valid credentials without the ingest role with `permissionDenied`.
public struct AuthenticationInterceptor: ServerInterceptor {
    public let authenticator: Authenticator

    public init(authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let authorization = request.metadata[stringValues: "authorization"].first(where: { _ in true })
        switch await authenticator.decide(authorization: authorization, role: .ingest) {
        case .granted:
            return try await next(request, context)
        case .unauthenticated:
            return StreamingServerResponse(error: RPCError(code: .unauthenticated, message: "missing or wrong credentials"))
        case .forbidden(let identity):
            return StreamingServerResponse(
                error: RPCError(code: .permissionDenied, message: "\(identity) may not ingest"))
        }
    }
}
