import GRPCCore
import PivotAuth
import PivotGRPC
import Testing

@Suite struct AuthenticationInterceptorTests {
    static func interceptor() throws -> AuthenticationInterceptor {
        AuthenticationInterceptor(authenticator: try Authenticator(
            users: [:], bearerTokens: [.init(name: "collector", token: "w"), .init(name: "grafana", token: "r")],
            roleMembers: [.ingest: ["collector"], .query: ["grafana"]]))
    }

    /// Runs one RPC through the interceptor; returns the error code, or nil when the handler ran.
    static func call(metadata: Metadata) async throws -> RPCError.Code? {
        let request = StreamingServerRequest<String>(metadata: metadata, messages: RPCAsyncSequence(wrapping: AsyncThrowingStream { $0.finish() }))
        let context = ServerContext(
            descriptor: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.metrics.v1.MetricsService", method: "Export"),
            remotePeer: "in-process:1", localPeer: "in-process:2", cancellation: .init())
        let response: StreamingServerResponse<String> = try await interceptor().intercept(request: request, context: context) { _, _ in
            StreamingServerResponse(single: ServerResponse(message: "handled"))
        }
        switch response.accepted {
        case .success: return nil
        case .failure(let error): return error.code
        }
    }

    @Test func anRPCWithoutCredentialsIsUnauthenticated() async throws {
        // No authorization metadata, or a wrong token, fails with unauthenticated before the service runs.
        #expect(try await Self.call(metadata: [:]) == .unauthenticated)
        #expect(try await Self.call(metadata: ["authorization": "Bearer nope"]) == .unauthenticated)
    }

    @Test func queryCredentialsCannotExport() async throws {
        // Valid credentials without the ingest role fail with permissionDenied.
        #expect(try await Self.call(metadata: ["authorization": "Bearer r"]) == .permissionDenied)
    }

    @Test func ingestCredentialsReachTheService() async throws {
        // Valid ingest credentials pass through to the handler.
        #expect(try await Self.call(metadata: ["authorization": "Bearer w"]) == nil)
    }
}
