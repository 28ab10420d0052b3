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
        /// `range` indexes an array of `count` elements.
        func inside(_ range: Range<Int>, _ count: Int) -> Bool { range.lowerBound >= 0 && range.upperBound <= count }
        for (index, series) in batch.series.enumerated() {
            let parts: [(String, Range<Int>, Int)] = [
                ("labels", series.labels, batch.labelRefs.count), ("samples", series.samples, batch.samples.count),
                ("histograms", series.histograms, batch.histograms.count),
                ("exemplars", series.exemplars, batch.exemplars.count),
            ]
            for (name, range, count) in parts {
                FuzzInvariant.check(inside(range, count), "\(source): series \(index) \(name) \(range) outside \(count)")
            }
        }
        for (index, exemplar) in batch.exemplars.enumerated() {
            FuzzInvariant.check(
                inside(exemplar.labels, batch.labelRefs.count), "\(source): exemplar \(index) labels outside the label refs")
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
