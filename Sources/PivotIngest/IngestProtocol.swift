/// Which protocol a batch arrived by; a dimension of the ingestion metrics.
public struct IngestProtocol: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let remoteWrite1 = IngestProtocol("remote_write_1")
    public static let remoteWrite2 = IngestProtocol("remote_write_2")
    public static let otlpHTTP = IngestProtocol("otlp_http")
    public static let otlpGRPC = IngestProtocol("otlp_grpc")
}
