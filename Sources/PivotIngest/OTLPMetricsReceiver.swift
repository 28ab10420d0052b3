#if canImport(Glibc)
import Glibc
#endif
import Metrics
import PivotModel
import PivotOTLP
import PivotStorage

/// What an OTLP metrics export came to: the points stored and the points rejected with the reasons
/// (the response's `partial_success`).
public struct OTLPExportOutcome: Sendable, Hashable {
    public var acceptedDataPoints: Int
    public var rejectedDataPoints: Int
    /// Empty when nothing was rejected.
    public var errorMessage: String

    public init(acceptedDataPoints: Int, rejectedDataPoints: Int, errorMessage: String) {
        self.acceptedDataPoints = acceptedDataPoints
        self.rejectedDataPoints = rejectedDataPoints
        self.errorMessage = errorMessage
    }
}

/// The OTLP metrics path shared by OTLP/HTTP and OTLP/gRPC: translate the decoded request into
/// Prometheus series, then store it through the one insert path (`Ingestor`).
public final class OTLPMetricsReceiver: Sendable {
    public let translator: OTLPMetricsTranslator
    public let limits: SeriesLimits
    private let ingestor: @Sendable () -> Ingestor?
    private let clock: @Sendable () -> Int64
    private let rejected = Counter(label: "pivot_otlp_data_points_rejected_total")
    private let received = Counter(label: "pivot_otlp_data_points_received_total")
    /// Point streams whose store references are kept (`SeriesRefCache`).
    private let cachedStreams = Gauge(label: "pivot_otlp_stream_cache_streams")
    /// Exports sent again by labels after the store refused them with references.
    private let resentByLabels = Counter(label: "pivot_otlp_stream_cache_resends_total")

    /// `ingestor` gives the insert path once storage is open (nil before: exports get `storageUnavailable`).
    /// `clock` is the wall clock in milliseconds.
    public init(
        translator: OTLPMetricsTranslator, limits: SeriesLimits = SeriesLimits(), ingestor: @escaping @Sendable () -> Ingestor?,
        clock: @escaping @Sendable () -> Int64 = OTLPMetricsReceiver.wallClock
    ) {
        self.translator = translator
        self.limits = limits
        self.ingestor = ingestor
        self.clock = clock
    }

    public static let wallClock: @Sendable () -> Int64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Translates and stores `request`. Throws the store's `AppendError` when the batch is refused as
    /// a whole (retryable or not, as its code says); points the translation could not take are counted
    /// in the outcome instead.
    public func export(_ request: OTLPMetricsRequest, via ingestProtocol: IngestProtocol) async throws(AppendError) -> OTLPExportOutcome {
        guard let ingestor = ingestor() else {
            throw AppendError(.storageUnavailable, "storage is starting: try again shortly")
        }
        let result = translator.translate(request, now: clock())
        received.increment(by: Int64(result.dataPoints))
        if result.rejectedDataPoints > 0 { rejected.increment(by: Int64(result.rejectedDataPoints)) }
        if let violation = limits.firstViolation(in: result.batch) { throw violation }
        if !result.batch.isEmpty {
            // A reference went stale (retention removed its series), or the batch has a problem whose
            // message should name the series: send it again by labels. A request with references has
            // no delta points, so translating it again changes no state.
            let usedSeriesRefs = result.usedSeriesRefs
            let resendsByLabels = { (error: AppendError) in
                usedSeriesRefs && (error.code == .unknownSeriesReference || !error.code.isRetryable)
            }
            do throws(AppendError) {
                let appended = try await ingestor.ingest(result.batch, via: ingestProtocol, resends: resendsByLabels)
                if result.batch.reportsSeriesRefs {
                    translator.remember(result, seriesRefs: appended.seriesRefs)
                    cachedStreams.record(translator.seriesRefs.count)
                }
            } catch let error where resendsByLabels(error) {
                if error.code == .unknownSeriesReference {
                    translator.seriesRefs.removeAll()
                    cachedStreams.record(0)
                }
                resentByLabels.increment()
                let byLabels = translator.translate(request, now: clock(), usingSeriesRefs: false)
                if let violation = limits.firstViolation(in: byLabels.batch) { throw violation }
                _ = try await ingestor.ingest(byLabels.batch, via: ingestProtocol)
            }
        }
        return OTLPExportOutcome(
            acceptedDataPoints: result.dataPoints - result.rejectedDataPoints, rejectedDataPoints: result.rejectedDataPoints,
            errorMessage: result.errorMessage)
    }
}
