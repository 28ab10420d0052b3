/// Bounds a remote-write request must stay within. Exceeding a size or count limit fails the request
/// with a `RemoteWriteDecodeError` whose message names the limit; only the exemplar limits drop
/// exemplars (counted in `DecodedWrite.exemplarsDropped`) instead, because a bad exemplar never fails
/// its samples.
///
/// Lengths are in bytes unless stated otherwise; every bound is inclusive (a value equal to the limit is
/// accepted). Decoded data takes at most about 16 bytes of memory per decompressed byte, except native
/// histograms and metadata, which `maxHistogramsPerRequest` and `maxMetadataPerRequest` bound.
public struct RemoteWriteLimits: Hashable, Sendable {
    /// Largest snappy-compressed body accepted. Default 32 MiB (Prometheus sends about 2,000 samples per
    /// request, tens of kilobytes; the OpenTelemetry Collector exporter caps batches at 3 MB).
    public var maxCompressedBodyBytes: Int
    /// Largest uncompressed body accepted; checked against the length the snappy header declares,
    /// before allocating. Default 128 MiB. At most `UInt32.max` is usable whatever the setting.
    public var maxDecompressedBodyBytes: Int
    /// Most series (`TimeSeries` messages) in one request. Default 500,000.
    public var maxSeriesPerRequest: Int
    /// Most float samples in one request, over all series. Default 10,000,000 (160 MB decoded).
    public var maxSamplesPerRequest: Int
    /// Most native histogram samples in one request, over all series. Default 1,000,000.
    public var maxHistogramsPerRequest: Int
    /// Most exemplars kept from one request; later ones are dropped and counted. Default 1,000,000.
    public var maxExemplarsPerRequest: Int
    /// Most metadata entries (1.0 `MetricMetadata` messages) in one request. Default 100,000 (Prometheus
    /// sends at most 500 per request by default).
    public var maxMetadataPerRequest: Int
    /// Most labels of one series. Default 256 (Prometheus has no limit by default; real series have
    /// fewer than 40).
    public var maxLabelsPerSeries: Int
    /// Longest label name, in bytes. Default 1,024.
    public var maxLabelNameLength: Int
    /// Longest label value, in bytes. Default 4,096 (room for URLs and query texts).
    public var maxLabelValueLength: Int
    /// Longest exemplar label set: the combined length of all label names and values of one exemplar,
    /// in Unicode characters (a multi-byte UTF-8 character counts once). Longer sets drop the exemplar.
    /// Default 128, Prometheus's `ExemplarMaxLabelSetLength`.
    public var maxExemplarLabelSetLength: Int

    public init(
        maxCompressedBodyBytes: Int = 32 << 20,
        maxDecompressedBodyBytes: Int = 128 << 20,
        maxSeriesPerRequest: Int = 500_000,
        maxSamplesPerRequest: Int = 10_000_000,
        maxHistogramsPerRequest: Int = 1_000_000,
        maxExemplarsPerRequest: Int = 1_000_000,
        maxMetadataPerRequest: Int = 100_000,
        maxLabelsPerSeries: Int = 256,
        maxLabelNameLength: Int = 1_024,
        maxLabelValueLength: Int = 4_096,
        maxExemplarLabelSetLength: Int = 128
    ) {
        self.maxCompressedBodyBytes = maxCompressedBodyBytes
        self.maxDecompressedBodyBytes = maxDecompressedBodyBytes
        self.maxSeriesPerRequest = maxSeriesPerRequest
        self.maxSamplesPerRequest = maxSamplesPerRequest
        self.maxHistogramsPerRequest = maxHistogramsPerRequest
        self.maxExemplarsPerRequest = maxExemplarsPerRequest
        self.maxMetadataPerRequest = maxMetadataPerRequest
        self.maxLabelsPerSeries = maxLabelsPerSeries
        self.maxLabelNameLength = maxLabelNameLength
        self.maxLabelValueLength = maxLabelValueLength
        self.maxExemplarLabelSetLength = maxExemplarLabelSetLength
    }

    /// The defaults listed on each field.
    public static let `default` = RemoteWriteLimits()
}
