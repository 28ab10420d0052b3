import PivotModel
import PivotStorage

/// Sample, histogram and exemplar timestamps must lie within Prometheus's representable range
/// (its `MinTime`…`MaxTime`, about ±292 million years in milliseconds). Inside it every difference
/// the store takes (chunk deltas and spans, windows, retention) fits 64 bits; `Int64.min` next to
/// `Int64.max` would overflow. Checked on every batch, whatever protocol brought it, before anything
/// is stored.
public enum SampleTimeValidation {
    /// Earliest accepted timestamp, in milliseconds.
    public static let minTime: Int64 = -9_223_309_901_257_974
    /// Latest accepted timestamp, in milliseconds.
    public static let maxTime: Int64 = 9_223_309_901_257_974

    /// The first series with a timestamp out of range, naming it and the timestamp; nil if all pass.
    public static func firstProblem(in batch: WriteBatch) -> SeriesLabelValidation.Problem? {
        func inRange(_ t: Int64) -> Bool { t >= minTime && t <= maxTime }
        if batch.samples.allSatisfy({ inRange($0.timestamp) }), batch.histograms.allSatisfy({ inRange($0.timestamp) }),
            batch.exemplars.allSatisfy({ inRange($0.timestamp) })
        {
            return nil
        }
        for series in batch.series {
            let times = batch.samples[series.samples].map(\.timestamp) + batch.histograms[series.histograms].map(\.timestamp)
                + batch.exemplars[series.exemplars].map(\.timestamp)
            if let bad = times.first(where: { !inRange($0) }) {
                return SeriesLabelValidation.Problem(
                    code: .outOfBounds,
                    message: "timestamp \(bad) is out of bounds (\(minTime)…\(maxTime) ms) for series "
                        + SeriesLabelValidation.describe(series.labels, in: batch))
            }
        }
        return nil
    }
}
