/// The remote-write protocol version of a request, chosen by its `Content-Type`.
public enum RemoteWriteVersion: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Remote-write 1.0: `prometheus.WriteRequest`.
    case v1
    /// Remote-write 2.0: `io.prometheus.write.v2.Request`.
    case v2

    /// The fully qualified protobuf message name, as the `proto=` parameter carries it.
    public var protoMessage: String {
        switch self {
        case .v1: "prometheus.WriteRequest"
        case .v2: "io.prometheus.write.v2.Request"
        }
    }

    /// The canonical `Content-Type` a sender uses.
    public var contentType: String {
        switch self {
        case .v1: "application/x-protobuf"
        case .v2: "application/x-protobuf;proto=io.prometheus.write.v2.Request"
        }
    }

    /// The `X-Prometheus-Remote-Write-Version` value a sender uses.
    public var headerValue: String {
        switch self {
        case .v1: "0.1.0"
        case .v2: "2.0.0"
        }
    }

    public var description: String {
        switch self {
        case .v1: "1.0"
        case .v2: "2.0"
        }
    }
}
