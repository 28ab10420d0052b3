import Metrics
import PivotStorage
import Synchronization

/// `pivot_ingested_samples_total{protocol}`, `…_histograms_total`, `…_exemplars_total`,
/// `pivot_ingest_exemplars_dropped_total{protocol}`, `pivot_ingest_rejected_batches_total{protocol,reason}`,
/// `pivot_series_created_total`.
final class IngestMetrics: Sendable {
    private struct PerProtocol {
        let samples: Counter
        let histograms: Counter
        let exemplars: Counter
        let exemplarsDropped: Counter
    }

    private let perProtocol = Mutex<[IngestProtocol: PerProtocol]>([:])
    private let rejections = Mutex<[String: Counter]>([:])
    private let seriesCreated = Counter(label: "pivot_series_created_total")

    func record(_ result: AppendResult, via ingestProtocol: IngestProtocol) {
        let counters = perProtocol.withLock { map in
            if let counters = map[ingestProtocol] { return counters }
            let dimensions = [("protocol", ingestProtocol.name)]
            let counters = PerProtocol(
                samples: Counter(label: "pivot_ingested_samples_total", dimensions: dimensions),
                histograms: Counter(label: "pivot_ingested_histograms_total", dimensions: dimensions),
                exemplars: Counter(label: "pivot_ingested_exemplars_total", dimensions: dimensions),
                exemplarsDropped: Counter(label: "pivot_ingest_exemplars_dropped_total", dimensions: dimensions))
            map[ingestProtocol] = counters
            return counters
        }
        counters.samples.increment(by: Int64(result.samplesWritten))
        counters.histograms.increment(by: Int64(result.histogramsWritten))
        counters.exemplars.increment(by: Int64(result.exemplarsWritten))
        if result.exemplarsDropped > 0 { counters.exemplarsDropped.increment(by: Int64(result.exemplarsDropped)) }
        if result.seriesCreated > 0 { seriesCreated.increment(by: Int64(result.seriesCreated)) }
    }

    func recordRejection(_ code: AppendError.Code, via ingestProtocol: IngestProtocol) {
        let key = ingestProtocol.name + "\u{0}" + code.name
        let counter = rejections.withLock { map in
            if let counter = map[key] { return counter }
            let counter = Counter(
                label: "pivot_ingest_rejected_batches_total",
                dimensions: [("protocol", ingestProtocol.name), ("reason", code.name)])
            map[key] = counter
            return counter
        }
        counter.increment()
    }
}
