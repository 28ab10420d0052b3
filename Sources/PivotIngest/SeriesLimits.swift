import PivotModel
import PivotStorage

/// Size limits on a series' labels, for protocols that build label sets themselves (OTLP): the same
/// figures as the remote-write limits (`--remote-write.max-labels-per-series`,
/// `--remote-write.max-label-name-length`, `--remote-write.max-label-value-length`).
public struct SeriesLimits: Sendable, Hashable {
    /// Most labels of one series. Default 256.
    public var maxLabelsPerSeries: Int
    /// Longest label name, in bytes. Default 1,024.
    public var maxLabelNameLength: Int
    /// Longest label value, in bytes. Default 4,096.
    public var maxLabelValueLength: Int

    public init(maxLabelsPerSeries: Int = 256, maxLabelNameLength: Int = 1_024, maxLabelValueLength: Int = 4_096) {
        self.maxLabelsPerSeries = maxLabelsPerSeries
        self.maxLabelNameLength = maxLabelNameLength
        self.maxLabelValueLength = maxLabelValueLength
    }

    /// The first series of `batch` over a limit, as a permanent `AppendError` naming it; nil when all fit.
    public func firstViolation(in batch: WriteBatch) -> AppendError? {
        for series in batch.series {
            let refs = batch.labelRefs[series.labels]
            if refs.count > maxLabelsPerSeries {
                return AppendError(
                    .limitExceeded, "series \(batch.string(refs.first?.value ?? .empty)) has \(refs.count) labels, more than the limit of \(maxLabelsPerSeries)")
            }
            for ref in refs {
                if Int(ref.name.length) > maxLabelNameLength {
                    return AppendError(
                        .limitExceeded, "a label name of \(ref.name.length) bytes is longer than the limit of \(maxLabelNameLength)")
                }
                if Int(ref.value.length) > maxLabelValueLength {
                    return AppendError(
                        .limitExceeded,
                        "label \(batch.string(ref.name)) has a value of \(ref.value.length) bytes, longer than the limit of \(maxLabelValueLength)")
                }
            }
        }
        return nil
    }
}
