/// A `host:port` listen address as Prometheus flags take it: `0.0.0.0:9090`, `:9090` (all interfaces),
/// `localhost:9090`, `[::1]:9090`.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; throws a message saying what is wrong.
    public init(parsing text: String) throws(ConfigurationError.Reason) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .init("missing port in address")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { throw .init("missing ']' in address") }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .init("too many colons in address (IPv6 hosts go in brackets: [::1]:9090)")
        }
        guard let port = Int(portText), (0...65_535).contains(port), !portText.isEmpty,
              portText.allSatisfy(\.isASCII)
        else {
            throw .init("invalid port \"\(portText)\" (0-65535)")
        }
        if host.isEmpty { host = "0.0.0.0" }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "%" }) else {
            throw .init("invalid host \"\(host)\"")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
