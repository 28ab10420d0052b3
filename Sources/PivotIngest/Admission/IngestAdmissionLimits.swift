/// What `IngestAdmission` lets in at once. Flags: `--ingest.max-inflight-bytes`, `--storage.max-memory`.
public struct IngestAdmissionLimits: Sendable, Equatable {
    /// Request bytes (compressed as received, plus decompressed once known) being processed at once over
    /// every ingest protocol. A request that would pass it is refused with a retryable answer. Default 128 MiB.
    public var maxInFlightBytes: Int
    /// Resident memory of the process above which new writes are refused until it falls back under
    /// `resumeFraction` of it; nil for no bound. Default: set by the executable (80% of the memory the
    /// machine or its cgroup allows).
    public var maxMemoryBytes: Int?
    /// The fraction of `maxMemoryBytes` at which refusing starts (headroom for requests already admitted).
    /// Default 0.7.
    public var refuseFraction: Double
    /// The fraction of `maxMemoryBytes` under which writes are admitted again. Default 0.6.
    public var resumeFraction: Double
    /// Seconds a refused sender should wait before retrying (`Retry-After`). Default 1.
    public var retryAfterSeconds: Int

    public init(
        maxInFlightBytes: Int = 128 << 20, maxMemoryBytes: Int? = nil, refuseFraction: Double = 0.7,
        resumeFraction: Double = 0.6, retryAfterSeconds: Int = 1
    ) {
        self.maxInFlightBytes = maxInFlightBytes
        self.maxMemoryBytes = maxMemoryBytes
        self.refuseFraction = refuseFraction
        self.resumeFraction = resumeFraction
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static let `default` = IngestAdmissionLimits()
}
