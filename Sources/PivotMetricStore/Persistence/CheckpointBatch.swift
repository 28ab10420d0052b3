import PivotModel

/// Everything one checkpoint writes to SQLite, in one transaction.
struct CheckpointBatch: Sendable {
    var series: [(id: SeriesID, labels: [UInt8])] = []
    var chunks: [ChunkWrite] = []
    var histograms: [(id: SeriesID, histogram: HistogramSample)] = []
    var exemplars: [StoredExemplar] = []
    var metadata: [(metric: String, metadata: MetricMetadata)] = []
    /// The checkpoint at close: open chunks are written in the compact encoding too.
    var isFinal = false

    var isEmpty: Bool {
        series.isEmpty && chunks.isEmpty && histograms.isEmpty && exemplars.isEmpty && metadata.isEmpty
    }
}

/// One chunk to write.
struct ChunkWrite: Sendable {
    enum Mode: Sendable {
        /// The row (series, min time) was written from an earlier state of this chunk: replace it.
        case replaceOwnRow
        /// Insert; when a row with the same key exists, merge the samples (the stored ones win).
        case insertOrMerge
    }

    var series: SeriesID
    var chunk: XORChunk
    var mode: Mode
    /// Where the chunk came from, so the head can forget it once written.
    var origin: Origin

    enum Origin: Sendable {
        /// The open chunk, with this many samples.
        case head(count: Int)
        /// A pending chunk.
        case pending
        /// Out-of-order samples (their timestamps are the chunk's).
        case outOfOrder
    }
}
