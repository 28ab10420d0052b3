import Synchronization

/// Whether the server can take traffic: storage open and any write-ahead-log replay finished.
/// `/-/ready` answers 503 until `markReady()`; ingestion answers 503 with `Retry-After` until then.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public func markReady() { ready.store(true, ordering: .releasing) }

    public func markNotReady() { ready.store(false, ordering: .releasing) }
}
