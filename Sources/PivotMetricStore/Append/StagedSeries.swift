/// One batch series an appender staged: where its data sits in the appender's arrays.
struct StagedSeries {
    var id: SeriesID
    /// The series itself, so applying needs no lookup. Unretained: the shard owns it, and a series
    /// removed by retention meanwhile is replaced before use (`resolveRemovedSeries`).
    var series: Unmanaged<MemSeries>
    /// Index into the appender's batches, and of the series in that batch (to re-resolve its labels).
    var batch: Int32
    var batchSeries: Int32
    var samples: Range<Int32>
    var histograms: Range<Int32>
    var exemplars: Range<Int32>
    /// The label encoding, when the series record still has to be logged.
    var labelsToLog: [UInt8]?
}
