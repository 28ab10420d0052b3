import PivotIngest
import Testing

@Suite struct IngestAdmissionTests {
    @Test func requestsAreAdmittedUntilTheInFlightBytesWouldPassTheLimit() throws {
        // Two 40-byte requests fit a 100-byte budget; a third is refused as in-flight overload until one ends.
        let admission = IngestAdmission(limits: IngestAdmissionLimits(maxInFlightBytes: 100))
        let first = try admission.admit(bytes: 40)
        let second = try admission.admit(bytes: 40)
        #expect(admission.inFlightBytes == 80)
        #expect(throws: IngestRefusal.self) { try admission.admit(bytes: 40) }
        do {
            _ = try admission.admit(bytes: 40)
        } catch {
            #expect(error.reason == .inFlightBytes)
            #expect(error.retryAfterSeconds == 1)
            #expect(error.message.contains("--ingest.max-inflight-bytes"))
        }
        first.release()
        let third = try admission.admit(bytes: 40)
        second.release()
        third.release()
        #expect(admission.inFlightBytes == 0)
    }

    @Test func aRequestLargerThanTheBudgetPassesWhenNothingElseIsInFlight() throws {
        // A single legal request bigger than the budget must not be refused forever.
        let admission = IngestAdmission(limits: IngestAdmissionLimits(maxInFlightBytes: 100))
        let big = try admission.admit(bytes: 500)
        #expect(throws: IngestRefusal.self) { try admission.admit(bytes: 1) }
        big.release()
        #expect(admission.inFlightBytes == 0)
    }

    @Test func grownAndReleasedTicketsBalanceAndReleaseOnlyOnce() throws {
        // Growth after decompression is counted; releasing twice (or releasing then dropping) returns it once.
        let admission = IngestAdmission(limits: IngestAdmissionLimits(maxInFlightBytes: 1000))
        var ticket: IngestAdmission.Ticket? = try admission.admit(bytes: 10)
        ticket?.grow(by: 90)
        #expect(admission.inFlightBytes == 100)
        ticket?.release()
        ticket?.release()
        ticket = nil
        #expect(admission.inFlightBytes == 0)
        do {
            let dropped = try admission.admit(bytes: 30)
            _ = dropped
        }
        #expect(admission.inFlightBytes == 0, "a ticket that goes away releases its bytes")
    }

    @Test func memoryOverTheBoundRefusesEverythingUntilItFallsUnderTheResumeFraction() throws {
        // Refusing starts at 70% of the bound and stops under 60%; in between the last state holds.
        let admission = IngestAdmission(limits: IngestAdmissionLimits(maxInFlightBytes: 1000, maxMemoryBytes: 1000))
        #expect(admission.observe(residentBytes: 650) == false)
        #expect(!admission.isOverMemory)
        #expect(admission.observe(residentBytes: 700) == true)
        #expect(admission.isOverMemory)
        #expect(admission.observe(residentBytes: 800) == false, "only the first observation over the bound reports it")
        do {
            _ = try admission.admit(bytes: 1)
            Issue.record("admitted while over the memory bound")
        } catch {
            #expect(error.reason == .memory)
        }
        admission.observe(residentBytes: 650)
        #expect(admission.isOverMemory, "between the fractions the state holds")
        admission.observe(residentBytes: 599)
        #expect(!admission.isOverMemory)
        _ = try admission.admit(bytes: 1)
    }

    @Test func withoutAMemoryBoundObservationsChangeNothing() {
        // nil maxMemoryBytes: resident memory never refuses a write.
        let admission = IngestAdmission()
        #expect(admission.observe(residentBytes: Int.max) == false)
        #expect(!admission.isOverMemory)
    }
}
