import PivotAuth
import Testing

@Suite struct VerificationCacheTests {
    @Test func theCacheNeverHoldsMoreThanItsCapacity() throws {
        // Inserting past the capacity evicts one entry per insert; the newest is always present.
        let cache = VerificationCache(capacity: 3)
        let hash = try BcryptHash(BcryptHashTests.secret)
        for index in 0..<10 {
            let key = VerificationCache.key(user: "u\(index)", hash: hash, password: "p")
            cache.insert(key)
            #expect(cache.contains(key))
            #expect(cache.count <= 3)
        }
        #expect(cache.count == 3)
    }

    @Test func keysDependOnUserHashAndPasswordWithoutAmbiguity() throws {
        // Moving characters between user and password gives a different key.
        let hash = try BcryptHash(BcryptHashTests.secret)
        #expect(VerificationCache.key(user: "ab", hash: hash, password: "c") != VerificationCache.key(user: "a", hash: hash, password: "bc"))
        #expect(VerificationCache.key(user: "a", hash: hash, password: "b") == VerificationCache.key(user: "a", hash: hash, password: "b"))
    }

    @Test func aZeroCapacityCacheRemembersNothing() throws {
        // Capacity 0 disables caching.
        let cache = VerificationCache(capacity: 0)
        let key = VerificationCache.key(user: "a", hash: try BcryptHash(BcryptHashTests.secret), password: "b")
        cache.insert(key)
        #expect(!cache.contains(key))
    }
}
