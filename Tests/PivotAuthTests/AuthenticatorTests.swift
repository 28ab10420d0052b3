import PivotAuth
import Testing

@Suite struct AuthenticatorTests {
    static func basic(_ user: String, _ password: String) -> String {
        let bytes = Array("\(user):\(password)".utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32(16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> UInt32(18 - 6 * position) & 63)] : "=")
            }
            index += 3
        }
        return "Basic " + out
    }

    static func make(roles: [AccessRole: Set<String>] = [:], cache: Int = 1000) throws -> Authenticator {
        try Authenticator(
            users: ["alice": BcryptHash(BcryptHashTests.correctHorse), "bob": BcryptHash(BcryptHashTests.secret)],
            bearerTokens: [.init(name: "collector", token: "tok-ingest"), .init(name: "grafana", token: "tok-query")],
            roleMembers: roles, cacheCapacity: cache)
    }

    @Test func validBasicAndBearerCredentialsAreGrantedWhenNoRolesAreConfigured() async throws {
        // Without an authorization section every identity may ingest and query.
        let auth = try Self.make()
        for role in AccessRole.allCases {
            #expect(await auth.decide(authorization: Self.basic("alice", "correct horse"), role: role) == .granted(identity: "alice"))
            #expect(await auth.decide(authorization: "Bearer tok-query", role: role) == .granted(identity: "grafana"))
        }
    }

    @Test func missingOrWrongCredentialsAreUnauthenticated() async throws {
        // No header, an unknown scheme, a wrong password, an unknown user and an unknown token are all 401s.
        let auth = try Self.make()
        let values: [String?] = [
            nil, "Digest x", Self.basic("alice", "wrong"), Self.basic("mallory", "correct horse"), "Bearer tok-nope", "Bearer tok-ingestX",
        ]
        for value in values {
            guard case .unauthenticated = await auth.decide(authorization: value, role: .query) else {
                Issue.record("\(value ?? "nil") was not refused")
                continue
            }
        }
    }

    @Test func rolesSeparateIngestFromQuery() async throws {
        // With both roles restricted, the ingest identity cannot query and the query identity cannot ingest.
        let auth = try Self.make(roles: [.ingest: ["collector", "alice"], .query: ["grafana", "alice"]])
        #expect(await auth.decide(authorization: "Bearer tok-ingest", role: .ingest) == .granted(identity: "collector"))
        #expect(await auth.decide(authorization: "Bearer tok-ingest", role: .query) == .forbidden(identity: "collector"))
        #expect(await auth.decide(authorization: "Bearer tok-query", role: .query) == .granted(identity: "grafana"))
        #expect(await auth.decide(authorization: "Bearer tok-query", role: .ingest) == .forbidden(identity: "grafana"))
        #expect(await auth.decide(authorization: Self.basic("alice", "correct horse"), role: .ingest) == .granted(identity: "alice"))
        #expect(await auth.decide(authorization: Self.basic("bob", "secret"), role: .query) == .forbidden(identity: "bob"))
    }

    @Test func aRoleLeftOutIsOpenToEveryIdentity() async throws {
        // Restricting only ingest leaves query to everyone who authenticates.
        let auth = try Self.make(roles: [.ingest: ["collector"]])
        #expect(await auth.decide(authorization: "Bearer tok-query", role: .query) == .granted(identity: "grafana"))
        #expect(await auth.decide(authorization: "Bearer tok-query", role: .ingest) == .forbidden(identity: "grafana"))
    }

    @Test func onlyCredentialsKnownWithoutAVerificationAreGrantedWithoutWaiting() async throws {
        // A bearer token is checked at once; a password only after `decide` verified it once (and
        // not at all without a cache); wrong, unknown or forbidden credentials never are.
        let auth = try Self.make(roles: [.ingest: ["collector"]])
        let alice = Self.basic("alice", "correct horse")
        #expect(auth.grantsWithoutWaiting(authorization: "Bearer tok-query", role: .query))
        #expect(!auth.grantsWithoutWaiting(authorization: "Bearer tok-query", role: .ingest))
        #expect(!auth.grantsWithoutWaiting(authorization: "Bearer tok-nope", role: .query))
        #expect(!auth.grantsWithoutWaiting(authorization: nil, role: .query))
        #expect(!auth.grantsWithoutWaiting(authorization: alice, role: .query))
        #expect(await auth.decide(authorization: alice, role: .query) == .granted(identity: "alice"))
        #expect(auth.grantsWithoutWaiting(authorization: alice, role: .query))
        #expect(!auth.grantsWithoutWaiting(authorization: alice, role: .ingest))
        #expect(!auth.grantsWithoutWaiting(authorization: Self.basic("alice", "wrong"), role: .query))
        #expect(!auth.grantsWithoutWaiting(authorization: Self.basic("mallory", "correct horse"), role: .query))

        let uncached = try Self.make(cache: 0)
        #expect(await uncached.decide(authorization: alice, role: .query) == .granted(identity: "alice"))
        #expect(!uncached.grantsWithoutWaiting(authorization: alice, role: .query))
    }

    @Test func theChallengesNameTheConfiguredSchemes() throws {
        // Users bring a Basic challenge, tokens a Bearer challenge.
        #expect(try Self.make().challenges == ["Basic realm=\"pivot\"", "Bearer realm=\"pivot\""])
        let tokensOnly = try Authenticator(users: [:], bearerTokens: [.init(name: "t", token: "x")])
        #expect(tokensOnly.challenges == ["Bearer realm=\"pivot\""])
    }

    @Test func inconsistentIdentitiesAreRefused() throws {
        // No identity at all, a name used twice, an empty token and a role naming a stranger are configuration errors.
        #expect(throws: Authenticator.ConfigurationError.self) { try Authenticator(users: [:], bearerTokens: []) }
        #expect(throws: Authenticator.ConfigurationError.self) {
            try Authenticator(users: ["alice": BcryptHash(BcryptHashTests.secret)], bearerTokens: [.init(name: "alice", token: "x")])
        }
        #expect(throws: Authenticator.ConfigurationError.self) {
            try Authenticator(users: [:], bearerTokens: [.init(name: "t", token: "")])
        }
        #expect(throws: Authenticator.ConfigurationError.self) {
            try Authenticator(users: [:], bearerTokens: [.init(name: "t", token: "x")], roleMembers: [.query: ["nobody"]])
        }
    }
}
