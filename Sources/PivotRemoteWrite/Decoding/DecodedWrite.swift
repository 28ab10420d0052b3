import PivotModel

/// The result of decoding one remote-write request.
public struct DecodedWrite: Sendable {
    /// The request as the one ingest model. `batch.bytes` is the decompressed body itself; label names
    /// and values are ranges into it (for 2.0, the ranges of the referenced `symbols`).
    public var batch: WriteBatch
    /// The protocol version the body was decoded as.
    public var version: RemoteWriteVersion
    /// Exemplars the decoder dropped: label sets longer than
    /// `RemoteWriteLimits.maxExemplarLabelSetLength` characters, or beyond `maxExemplarsPerRequest`.
    public var exemplarsDropped: Int
    /// Start timestamps (milliseconds, 0 = unset) of the float samples, index for index with
    /// `batch.samples`; empty when no sample carried one (always empty for 1.0, which has no such field).
    /// Histogram start timestamps are in `HistogramSample.startTimestamp`.
    public var sampleStartTimestamps: [Int64]

    public init(
        batch: WriteBatch, version: RemoteWriteVersion, exemplarsDropped: Int = 0, sampleStartTimestamps: [Int64] = []
    ) {
        self.batch = batch
        self.version = version
        self.exemplarsDropped = exemplarsDropped
        self.sampleStartTimestamps = sampleStartTimestamps
    }
}
