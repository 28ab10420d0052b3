/// Why `IngestAdmission` refused a write. Always retryable: the sender should wait `retryAfterSeconds`
/// and send the same data again (remote-write answers 503, OTLP/HTTP 429, OTLP/gRPC `RESOURCE_EXHAUSTED`).
public struct IngestRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// Too many request bytes are being processed at once.
        case inFlightBytes = "inflight_bytes"
        /// Resident memory is over the bound.
        case memory
    }

    public var reason: Reason
    public var message: String
    public var retryAfterSeconds: Int

    public var description: String { message }
}
