import CCrypt

/// A bcrypt password hash as Prometheus's web config and `htpasswd -B` write it:
/// `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 04 to 31, then 53 characters of salt and
/// checksum in bcrypt's base-64 alphabet (60 characters in all).
///
/// Verification goes through the system libcrypt (`crypt_r`, libxcrypt on Debian); its output is
/// compared with the stored hash in constant time. bcrypt looks at the first 72 bytes of a
/// password only, as every bcrypt implementation does.
public struct BcryptHash: Sendable, Hashable, CustomStringConvertible {
    /// Why a string is not a usable bcrypt hash.
    public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// The hash as written in the configuration.
    public let text: String

    /// The work factor: 2^cost rounds.
    public var cost: Int { Int(text.dropFirst(4).prefix(2))! }

    public var description: String { text }

    private static let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Checks the shape of `text`, then that libcrypt accepts it as a setting.
    public init(_ text: String) throws(FormatError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 60 else {
            throw FormatError("a bcrypt hash has 60 characters, this one has \(bytes.count)")
        }
        let prefix = String(decoding: bytes[0..<4], as: UTF8.self)
        guard ["$2a$", "$2b$", "$2y$"].contains(prefix) else {
            throw FormatError("a bcrypt hash starts with $2a$, $2b$ or $2y$, not \(prefix)")
        }
        guard let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), bytes[6] == UInt8(ascii: "$"),
              (4...31).contains(cost)
        else {
            throw FormatError("the cost of a bcrypt hash is two digits from 04 to 31 followed by $")
        }
        guard bytes[7...].allSatisfy({ Self.alphabet.contains($0) }) else {
            throw FormatError("the salt and checksum of a bcrypt hash use only ./A-Za-z0-9")
        }
        self.text = text
        guard Self.crypt(password: "", setting: text) != nil else {
            throw FormatError("the system libcrypt does not accept this bcrypt hash")
        }
    }

    /// True when `password` hashes to this hash. Slow by design (2^cost rounds); callers cache
    /// successes (see `VerificationCache`).
    public func verify(password: String) -> Bool {
        guard !password.utf8.contains(0), let computed = Self.crypt(password: password, setting: text) else { return false }
        return ConstantTime.equals(computed, Array(text.utf8))
    }

    /// Runs `crypt_r`; nil when libcrypt reports a failure (a null result or a `*` failure token).
    static func crypt(password: String, setting: String) -> [UInt8]? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let output = crypt_r(password, setting, data) else { return nil }
        var bytes: [UInt8] = []
        var cursor = output
        while cursor.pointee != 0 {
            bytes.append(UInt8(bitPattern: cursor.pointee))
            cursor += 1
        }
        guard let first = bytes.first, first != UInt8(ascii: "*") else { return nil }
        return bytes
    }
}
