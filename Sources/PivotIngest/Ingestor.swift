import Metrics
import PivotModel
import PivotStorage

/// The one insert path: every protocol decodes into a `WriteBatch` and hands it here. A batch is
/// validated (label rules, timestamps in range), appended and committed as one transaction; when `ingest` returns, the
/// batch is durable. Errors are `AppendError`s whose code says whether a retry can help, so each
/// protocol edge maps them to its own status (400 vs 503/429).
public final class Ingestor: Sendable {
    private let store: any Appendable
    private let metrics = IngestMetrics()

    public init(store: any Appendable) {
        self.store = store
    }

    /// Validates, appends and commits `batch`. `exemplarsDroppedByDecoder` counts exemplars the
    /// decoder already dropped (for the metrics and the result). A refusal for which `resends` is
    /// true stays out of the metrics: the caller sends the same data again another way.
    public func ingest(
        _ batch: WriteBatch, via ingestProtocol: IngestProtocol, exemplarsDroppedByDecoder: Int = 0,
        resends: (AppendError) -> Bool = { _ in false }
    ) async throws(AppendError) -> AppendResult {
        do throws(AppendError) {
            let batch = SeriesLabelValidation.droppingEmptyValues(batch)
            if let problem = SeriesLabelValidation.firstProblem(in: batch) ?? SampleTimeValidation.firstProblem(in: batch) {
                throw AppendError(problem.code, problem.message)
            }
            let appender = store.appender()
            let result: AppendResult
            do throws(AppendError) {
                result = try appender.append(batch)
                try await appender.commit()
            } catch {
                appender.rollback()
                throw error
            }
            var total = result
            total.exemplarsDropped += exemplarsDroppedByDecoder
            metrics.record(total, via: ingestProtocol)
            return total
        } catch {
            if !resends(error) { metrics.recordRejection(error.code, via: ingestProtocol) }
            throw error
        }
    }
}
