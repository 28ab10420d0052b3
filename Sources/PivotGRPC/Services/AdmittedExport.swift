import GRPCCore
import PivotIngest
import PivotOTLP

/// A request message as the deserializer read it: the decoded value (or why it could not be read) and
/// the message's size, which the handler reserves in `IngestAdmission` before storing it.
struct DecodedMessage<Value: Sendable>: Sendable {
    var result: Result<Value, OTLPDecodeError>
    var byteCount: Int
}

extension IngestAdmission {
    /// Reserves `bytes` for a gRPC export and runs `body`; a refusal is `RESOURCE_EXHAUSTED`, which OTLP
    /// exporters retry after a backoff.
    func admitting<T: Sendable>(bytes: Int, _ body: () async throws -> T) async throws -> T {
        let ticket: Ticket
        do {
            ticket = try admit(bytes: bytes)
        } catch {
            throw RPCError(code: .resourceExhausted, message: error.message)
        }
        defer { ticket.release() }
        return try await body()
    }
}
