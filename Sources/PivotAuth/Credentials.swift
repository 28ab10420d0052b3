/// Credentials read from an HTTP `Authorization` header or the gRPC `authorization` metadata
/// entry: `Basic base64(user:password)` (RFC 7617) or `Bearer token` (RFC 6750). The scheme is
/// case-insensitive.
public enum Credentials: Sendable, Hashable {
    case basic(user: String, password: String)
    case bearer(token: String)

    /// Parses one header value; nil when it is neither well-formed Basic nor Bearer credentials.
    public init?(authorization value: String) {
        let trimmed = value.drop(while: { $0 == " " })
        guard let space = trimmed.firstIndex(of: " ") else { return nil }
        let scheme = trimmed[..<space].lowercased()
        let parameter = String(trimmed[space...].drop(while: { $0 == " " }))
        guard !parameter.isEmpty else { return nil }
        switch scheme {
        case "basic":
            guard let decoded = Self.base64Decode(parameter),
                  let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
            else { return nil }
            guard let user = String(validating: decoded[..<colon], as: UTF8.self),
                  let password = String(validating: decoded[(colon + 1)...], as: UTF8.self)
            else { return nil }
            self = .basic(user: user, password: password)
        case "bearer":
            self = .bearer(token: parameter)
        default:
            return nil
        }
    }

    /// Standard base-64 with optional padding; nil on any other character.
    static func base64Decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard padding <= 2, bits < 6 else { return nil }
        return output
    }
}
