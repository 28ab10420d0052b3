import GRPCCore
import PivotIngest
import Testing

@testable import PivotGRPC

@Suite struct AdmissionTests {
    @Test func aShedExportIsResourceExhaustedAndStoresNothing() async throws {
        // Over the in-flight budget the export is refused with RESOURCE_EXHAUSTED (retried by OTLP
        // exporters) before its body runs; within it the body runs and the bytes are released after.
        let admission = IngestAdmission(limits: IngestAdmissionLimits(maxInFlightBytes: 100))
        let held = try admission.admit(bytes: 90)
        let ran = await withCheckedContinuation { continuation in
            Task {
                do {
                    _ = try await admission.admitting(bytes: 20) { true }
                    continuation.resume(returning: true)
                } catch let error as RPCError {
                    #expect(error.code == .resourceExhausted)
                    #expect(error.message.contains("--ingest.max-inflight-bytes"))
                    continuation.resume(returning: false)
                } catch {
                    Issue.record("unexpected error \(error)")
                    continuation.resume(returning: true)
                }
            }
        }
        #expect(!ran, "the export ran although it was refused")
        held.release()
        let value = try await admission.admitting(bytes: 20) { admission.inFlightBytes }
        #expect(value == 20)
        #expect(admission.inFlightBytes == 0)
    }
}
