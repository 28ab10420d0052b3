import PivotIngest
import PivotModel

/// The structure every decoded or translated `WriteBatch` must have, whatever the input: ranges that
/// stay inside the arrays they index, so the ingest path can read them without checks. Then the
/// batch goes through the label checks the ingest path runs before storing.
enum WriteBatchInvariants {
    static func check(_ batch: WriteBatch, source: String) {
        let byteCount = batch.bytes.count
        func inBytes(_ range: WriteBatch.ByteRange) -> Bool {
            Int(range.offset) + Int(range.length) <= byteCount
        }
        for (index, ref) in batch.labelRefs.enumerated() {
            FuzzInvariant.check(inBytes(ref.name) && inBytes(ref.value), "\(source): label ref \(index) outside the arena")
        }
        for (index, series) in batch.series.enumerated() {
            FuzzInvariant.check(
                series.labels.lowerBound >= 0 && series.labels.upperBound <= batch.labelRefs.count,
                "\(source): series \(index) labels \(series.labels) outside \(batch.labelRefs.count) label refs")
            FuzzInvariant.check(
                series.samples.lowerBound >= 0 && series.samples.upperBound <= batch.samples.count,
                "\(source): series \(index) samples \(series.samples) outside \(batch.samples.count)")
            FuzzInvariant.check(
                series.histograms.lowerBound >= 0 && series.histograms.upperBound <= batch.histograms.count,
                "\(source): series \(index) histograms \(series.histograms) outside \(batch.histograms.count)")
            FuzzInvariant.check(
                series.exemplars.lowerBound >= 0 && series.exemplars.upperBound <= batch.exemplars.count,
                "\(source): series \(index) exemplars \(series.exemplars) outside \(batch.exemplars.count)")
        }
        for (index, exemplar) in batch.exemplars.enumerated() {
            FuzzInvariant.check(
                exemplar.labels.lowerBound >= 0 && exemplar.labels.upperBound <= batch.labelRefs.count,
                "\(source): exemplar \(index) labels outside the label refs")
        }
        // What the ingest path does next; it must not crash on any batch a decoder produced.
        _ = SeriesLabelValidation.firstProblem(in: batch)
        _ = SeriesLimits().firstViolation(in: batch)
        let kept = SeriesLabelValidation.droppingEmptyValues(batch)
        FuzzInvariant.check(kept.series.count <= batch.series.count, "\(source): dropping empty values added series")
        for series in kept.series.prefix(64) {
            _ = kept.labels(of: series)
        }
    }
}
