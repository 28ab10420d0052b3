import Metrics
import Synchronization

/// Load shedding for every ingest path: a write is admitted only while the request bytes in flight
/// stay under `maxInFlightBytes` and resident memory is under its bound, so an ingest rate above what
/// the machine can take is answered with retryable refusals instead of growing memory.
///
/// A refusal happens before the body is read, so nothing refused is stored and nothing acknowledged is
/// affected. The memory state is fed by `observe(residentBytes:)` (the executable samples the process's
/// resident set); between the two fractions of the bound it keeps its last state (hysteresis).
public final class IngestAdmission: Sendable {
    public let limits: IngestAdmissionLimits
    private let inFlight = Atomic<Int>(0)
    private let overMemory = Atomic<Bool>(false)
    private let refusedInFlight = Counter(label: "pivot_ingest_refused_total", dimensions: [("reason", "inflight_bytes")])
    private let refusedMemory = Counter(label: "pivot_ingest_refused_total", dimensions: [("reason", "memory")])
    private let inFlightGauge = Gauge(label: "pivot_ingest_inflight_bytes")
    private let overMemoryGauge = Gauge(label: "pivot_ingest_memory_shedding")

    public init(limits: IngestAdmissionLimits = .default) {
        self.limits = limits
    }

    /// Whether writes are being refused for memory now.
    public var isOverMemory: Bool { overMemory.load(ordering: .relaxed) }

    /// Request bytes being processed now.
    public var inFlightBytes: Int { inFlight.load(ordering: .relaxed) }

    /// Records the process's resident memory; returns true when this observation started refusing.
    @discardableResult
    public func observe(residentBytes: Int) -> Bool {
        guard let bound = limits.maxMemoryBytes else { return false }
        let refuseAt = Int(Double(bound) * limits.refuseFraction)
        let resumeAt = Int(Double(bound) * limits.resumeFraction)
        if residentBytes >= refuseAt {
            let (exchanged, _) = overMemory.compareExchange(expected: false, desired: true, ordering: .relaxed)
            if exchanged { overMemoryGauge.record(1) }
            return exchanged
        }
        if residentBytes < resumeAt {
            let (exchanged, _) = overMemory.compareExchange(expected: true, desired: false, ordering: .relaxed)
            if exchanged { overMemoryGauge.record(0) }
        }
        return false
    }

    /// Reserves `bytes` for a request, or throws the refusal. A request larger than the whole budget is
    /// admitted when nothing else is in flight (so one large but legal request can always pass).
    public func admit(bytes: Int) throws(IngestRefusal) -> Ticket {
        if overMemory.load(ordering: .relaxed) {
            refusedMemory.increment()
            throw IngestRefusal(
                reason: .memory,
                message: "overloaded: resident memory is over \(limits.refuseFraction * 100)% of the --storage.max-memory bound; retry later",
                retryAfterSeconds: limits.retryAfterSeconds)
        }
        let bytes = max(bytes, 0)
        var current = inFlight.load(ordering: .relaxed)
        while true {
            if current > 0 && current + bytes > limits.maxInFlightBytes {
                refusedInFlight.increment()
                throw IngestRefusal(
                    reason: .inFlightBytes,
                    message: "overloaded: \(current) request bytes in flight, the limit is \(limits.maxInFlightBytes) (--ingest.max-inflight-bytes); retry later",
                    retryAfterSeconds: limits.retryAfterSeconds)
            }
            let (exchanged, original) = inFlight.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        inFlightGauge.record(current + bytes)
        return Ticket(admission: self, bytes: bytes)
    }

    fileprivate func add(_ bytes: Int) {
        let now = inFlight.add(bytes, ordering: .relaxed).newValue
        inFlightGauge.record(now)
    }

    /// Bytes reserved for one request. `grow(by:)` adds what decompression revealed (admitted already,
    /// so never refused); `release()` returns everything, once.
    public final class Ticket: Sendable {
        private let admission: IngestAdmission
        private let reserved: Atomic<Int>

        fileprivate init(admission: IngestAdmission, bytes: Int) {
            self.admission = admission
            reserved = Atomic(bytes)
        }

        public func grow(by bytes: Int) {
            guard bytes > 0 else { return }
            reserved.add(bytes, ordering: .relaxed)
            admission.add(bytes)
        }

        public func release() {
            let bytes = reserved.exchange(0, ordering: .relaxed)
            if bytes != 0 { admission.add(-bytes) }
        }

        deinit { release() }
    }
}
