import Metrics
import PivotModel
import PivotOTLP
import PivotStorage

/// The OTLP trace path shared by OTLP/HTTP and OTLP/gRPC: decoded spans go to the trace store, which
/// makes them durable before `export` returns.
public final class OTLPTracesReceiver: Sendable {
    private let store: @Sendable () -> (any TraceAppendable)?
    private let received = Counter(label: "pivot_otlp_spans_received_total")
    private let rejected = Counter(label: "pivot_otlp_spans_rejected_total")
    private let duplicates = Counter(label: "pivot_trace_duplicate_spans_total")

    /// `store` gives the trace store once storage is open (nil before: exports get `storageUnavailable`).
    public init(store: @escaping @Sendable () -> (any TraceAppendable)?) {
        self.store = store
    }

    /// Stores the decoded spans; the outcome reports the spans the decoder rejected.
    public func export(_ decoded: OTLPTracesDecoded) async throws(AppendError) -> OTLPExportOutcome {
        guard let store = store() else {
            throw AppendError(.storageUnavailable, "storage is starting: try again shortly")
        }
        received.increment(by: Int64(decoded.batch.spans.count + decoded.rejectedSpans))
        if decoded.rejectedSpans > 0 { rejected.increment(by: Int64(decoded.rejectedSpans)) }
        if !decoded.batch.isEmpty {
            let result = try await store.append(decoded.batch)
            if result.duplicateSpans > 0 { duplicates.increment(by: Int64(result.duplicateSpans)) }
        }
        return OTLPExportOutcome(
            acceptedDataPoints: decoded.batch.spans.count, rejectedDataPoints: decoded.rejectedSpans,
            errorMessage: decoded.errorMessage)
    }
}
