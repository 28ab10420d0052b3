/// The outcome of checking one request's credentials for one role.
public enum AccessDecision: Sendable, Hashable {
    /// The credentials are valid and the identity has the role.
    case granted(identity: String)
    /// No credentials, credentials in an unknown scheme, or wrong credentials (HTTP 401, gRPC
    /// `unauthenticated`). The reason is for logs, never for the client.
    case unauthenticated(reason: String)
    /// Valid credentials of an identity that does not have the role (HTTP 403, gRPC `permissionDenied`).
    case forbidden(identity: String)
}
