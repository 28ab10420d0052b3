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
        let body = hasFormBody(request.head) ? try await request.body.collect(upTo: maxFormBodyBytes) : nil
        return from(request.head, body: body)
    }

    /// The parameters of a request whose body has been read already (`body` is used only if the
    /// request is a form POST).
    public static func from(_ head: HTTPRequest, body: ByteBuffer?) -> APIParameters {
        var pairs = parse(query(of: head.path ?? ""))
        if let body, hasFormBody(head) {
            pairs += parse(String(buffer: body))
        }
        return APIParameters(pairs: pairs)
    }

    /// Whether the request's body carries parameters: a POST of `application/x-www-form-urlencoded`.
    public static func hasFormBody(_ head: HTTPRequest) -> Bool {
        guard head.method == .post else { return false }
        return head.headerFields[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// The query string of a request target: from after the first `?` up to a `#`; empty without one.
    static func query(of target: String) -> Substring {
        let bytes = target.utf8
        guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        let rest = bytes[bytes.index(after: mark)...]
        return Substring(rest[..<(rest.firstIndex(of: UInt8(ascii: "#")) ?? rest.endIndex)])
    }

    public func first(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Parses `a=1&b=2&a=3` with percent-decoding and `+` as space.
    public static func parse(_ query: String) -> [(name: String, value: String)] {
        parse(query[...])
    }

    public static func parse(_ query: Substring) -> [(name: String, value: String)] {
        query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                return (decode(part[..<equals]), decode(part[part.index(after: equals)...]))
            }
            return (decode(part), "")
        }
    }

    /// One name or value: its text as is when it has no escape, else decoded.
    static func decode(_ text: Substring) -> String {
        decode(text.utf8)
    }

    static func decode(_ text: Substring.UTF8View) -> String {
        if !text.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(Substring(text)) }
        return String(decoding: percentDecoded(Substring(text)), as: UTF8.self)
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
