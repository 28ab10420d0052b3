import Dispatch

/// Checks request credentials against the configured identities and their roles. Shared by the
/// HTTP middleware and the gRPC interceptor; knows nothing of either protocol.
///
/// - Basic credentials are verified against the user's bcrypt hash; successes are cached
///   (`VerificationCache`). An unknown user is still run through bcrypt (against a configured
///   hash) so that the answer's timing does not tell which user names exist.
/// - Bearer tokens are compared as SHA-256 digests in constant time, against every configured
///   token without stopping at a match.
/// - bcrypt runs on one serial dispatch queue, off the Swift concurrency pool: at most one core
///   is spent verifying uncached passwords, whatever the number of bad attempts.
public struct Authenticator: Sendable {
    /// A named bearer token.
    public struct BearerToken: Sendable, Hashable {
        public var name: String
        public var token: String
        public init(name: String, token: String) {
            self.name = name
            self.token = token
        }
    }

    /// Why identities or roles do not fit together.
    public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    private struct StoredToken: Sendable {
        var name: String
        var digest: [UInt8]
    }

    private let users: [String: BcryptHash]
    private let tokens: [StoredToken]
    /// Members of each restricted role; a role without an entry is open to every identity.
    private let roleMembers: [AccessRole: Set<String>]
    private let cache: VerificationCache
    private static let bcryptQueue = DispatchQueue(label: "pivot.auth.bcrypt")

    /// - Parameters:
    ///   - users: user name → bcrypt hash (`basic_auth_users`).
    ///   - bearerTokens: named tokens (`bearer_tokens`). A name may not also be a user name.
    ///   - roleMembers: identities allowed each role; a role left out is allowed to every identity.
    ///   - cacheCapacity: most cached successful password verifications.
    public init(
        users: [String: BcryptHash], bearerTokens: [BearerToken], roleMembers: [AccessRole: Set<String>] = [:],
        cacheCapacity: Int = 1000
    ) throws(ConfigurationError) {
        guard !users.isEmpty || !bearerTokens.isEmpty else {
            throw ConfigurationError("no users and no bearer tokens: nobody could authenticate")
        }
        var names = Set(users.keys)
        for token in bearerTokens {
            guard !token.name.isEmpty else { throw ConfigurationError("a bearer token has an empty name") }
            guard !token.token.isEmpty else { throw ConfigurationError("bearer token \"\(token.name)\" is empty") }
            guard names.insert(token.name).inserted else {
                throw ConfigurationError("the name \"\(token.name)\" is used twice (user names and token names share one namespace)")
            }
        }
        for role in AccessRole.allCases {
            for name in roleMembers[role, default: []].sorted() where !names.contains(name) {
                throw ConfigurationError("authorization.\(role.rawValue) names \"\(name)\", which is neither a user nor a bearer token")
            }
        }
        self.users = users
        tokens = bearerTokens.map { StoredToken(name: $0.name, digest: SHA256.digest(Array($0.token.utf8))) }
        self.roleMembers = roleMembers
        cache = VerificationCache(capacity: cacheCapacity)
    }

    /// The `WWW-Authenticate` challenges a 401 carries: Basic when users are configured, Bearer
    /// when tokens are.
    public var challenges: [String] {
        (users.isEmpty ? [] : ["Basic realm=\"pivot\""]) + (tokens.isEmpty ? [] : ["Bearer realm=\"pivot\""])
    }

    /// Decides whether a request with this `Authorization` value may act in `role`.
    public func decide(authorization: String?, role: AccessRole) async -> AccessDecision {
        guard let authorization else { return .unauthenticated(reason: "no credentials") }
        guard let credentials = Credentials(authorization: authorization) else {
            return .unauthenticated(reason: "credentials are neither Basic nor Bearer")
        }
        guard let identity = await self.identity(of: credentials) else {
            return .unauthenticated(reason: "wrong credentials")
        }
        return isAllowed(identity, role) ? .granted(identity: identity) : .forbidden(identity: identity)
    }

    /// The identity the credentials prove, or nil.
    public func identity(of credentials: Credentials) async -> String? {
        switch credentials {
        case .bearer(let token):
            return tokenName(token)
        case .basic(let user, let password):
            guard let hash = users[user] else {
                // Spend the same time as for a known user, then refuse.
                if let decoy = users.values.first { _ = await Self.verifyOffPool(decoy, password) }
                return nil
            }
            let key = VerificationCache.key(user: user, hash: hash, password: password)
            if cache.contains(key) { return user }
            guard await Self.verifyOffPool(hash, password) else { return nil }
            cache.insert(key)
            return user
        }
    }

    /// Whether a request with this `Authorization` value may act in `role`, when that is known
    /// without a password verification: a valid bearer token, or a user whose password verified
    /// before (the verification cache). False otherwise, and so for wrong credentials too: only
    /// `decide` refuses, spending a verification's time on them.
    public func grantsWithoutWaiting(authorization: String?, role: AccessRole) -> Bool {
        guard let authorization, let credentials = Credentials(authorization: authorization) else { return false }
        let identity: String?
        switch credentials {
        case .bearer(let token):
            identity = tokenName(token)
        case .basic(let user, let password):
            guard let hash = users[user] else { return false }
            identity = cache.contains(VerificationCache.key(user: user, hash: hash, password: password)) ? user : nil
        }
        guard let identity else { return false }
        return isAllowed(identity, role)
    }

    /// The name of the bearer token `token`, compared in constant time against every stored one.
    private func tokenName(_ token: String) -> String? {
        let digest = SHA256.digest(Array(token.utf8))
        var match: String?
        for stored in tokens where ConstantTime.equals(stored.digest, digest) && match == nil {
            match = stored.name
        }
        return match
    }

    public func isAllowed(_ identity: String, _ role: AccessRole) -> Bool {
        guard let members = roleMembers[role] else { return true }
        return members.contains(identity)
    }

    private static func verifyOffPool(_ hash: BcryptHash, _ password: String) async -> Bool {
        await withCheckedContinuation { continuation in
            bcryptQueue.async { continuation.resume(returning: hash.verify(password: password)) }
        }
    }
}
