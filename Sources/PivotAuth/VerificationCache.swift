import Synchronization

/// Remembers recent successful password verifications so that a client sending the same
/// credentials on every request pays for bcrypt once, not per request.
///
/// Keys are SHA-256 digests of (user, stored hash, password); passwords are never kept. At most
/// `capacity` entries (`--web.auth-cache-size`, default 1000); when full, one entry chosen at
/// random is dropped to make room. A capacity of 0 disables caching.
public final class VerificationCache: Sendable {
    public let capacity: Int
    private let entries = Mutex<Set<[UInt8]>>([])

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The cache key of one verification.
    public static func key(user: String, hash: BcryptHash, password: String) -> [UInt8] {
        var message: [UInt8] = []
        for part in [user, hash.text, password] {
            let bytes = Array(part.utf8)
            let count = UInt32(truncatingIfNeeded: bytes.count)
            message += [UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                        UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            message += bytes
        }
        return SHA256.digest(message)
    }

    public func contains(_ key: [UInt8]) -> Bool {
        entries.withLock { $0.contains(key) }
    }

    public func insert(_ key: [UInt8]) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity, !entries.contains(key), let victim = entries.randomElement() {
                entries.remove(victim)
            }
            entries.insert(key)
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
