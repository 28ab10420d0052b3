import Hummingbird

/// The parameters of a Prometheus API call: the URL query merged with an
/// `application/x-www-form-urlencoded` body (Grafana sends POST forms), repeated keys kept in order.
/// Unknown parameters are ignored by the handlers, as Prometheus does.
public struct APIParameters: Sendable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// Largest form body read, in bytes (queries with many `match[]` stay far below). Default 8 MiB.
    public static let maxFormBodyBytes = 8 << 20

    /// Reads the query string and, for a form POST, the body.
    public static func from(_ request: Request) async throws -> APIParameters {
        var pairs = parse(request.uri.query ?? "")
        if request.method == .post {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            if contentType.hasPrefix("application/x-www-form-urlencoded") {
                let body = try await request.body.collect(upTo: maxFormBodyBytes)
                pairs += parse(String(buffer: body))
            }
        }
        return APIParameters(pairs: pairs)
    }

    public func first(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Parses `a=1&b=2&a=3` with percent-decoding and `+` as space.
    public static func parse(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: "=") {
                return (decode(part[..<equals]), decode(part[part.index(after: equals)...]))
            }
            return (decode(part), "")
        }
    }

    static func decode(_ text: Substring) -> String {
        String(decoding: percentDecoded(text), as: UTF8.self)
    }

    /// `text` with `%XX` escapes and `+` decoded, as bytes (which need not be UTF-8); a malformed
    /// escape is kept as written.
    static func percentDecoded(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = iterator.next()
                let low = iterator.next()
                if let high, let low, let h = hexValue(high), let l = hexValue(low) {
                    bytes.append(h << 4 | l)
                } else {
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            default: bytes.append(byte)
            }
        }
        return bytes
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
