import PivotModel

/// Something that accepts writes: the metric store, or an in-memory store in tests.
public protocol Appendable: Sendable {
    /// A new appender for one unit of work (one request). Appenders are not shared between tasks.
    func appender() -> any Appender
}

/// Stages writes and makes them durable as one transaction.
///
/// `append` validates and stages; nothing is visible to queries and nothing is durable until `commit`
/// returns. `rollback` drops what was staged. A staged batch with a permanent problem is refused whole
/// by `append` with an `AppendError`, so a caller can answer 400 and the sender can drop the batch.
public protocol Appender: AnyObject {
    /// Stages a batch. Throws `AppendError` for a permanent problem (the batch is not staged).
    /// Exemplars that cannot be stored are dropped and counted in the result, never thrown.
    func append(_ batch: WriteBatch) throws(AppendError) -> AppendResult
    /// Makes everything staged durable (in the write-ahead log) and visible. When it returns, the
    /// data survives `kill -9`. Throws `AppendError` with a retryable code when storage is unavailable.
    func commit() async throws(AppendError)
    /// Drops everything staged.
    func rollback()
}

/// What one `append` did.
public struct AppendResult: Hashable, Sendable {
    /// Float samples staged (exact duplicates of stored samples are counted as written: they are).
    public var samplesWritten: Int
    public var histogramsWritten: Int
    public var exemplarsWritten: Int
    /// Exemplars dropped (invalid, too long, out of order); they never fail their samples.
    public var exemplarsDropped: Int
    /// Series seen for the first time.
    public var seriesCreated: Int
    /// With `WriteBatch.reportsSeriesRefs`, one reference per batch series, in batch order, for
    /// `WriteBatch.Series.seriesRef` in later batches; empty otherwise, or when the store hands out none.
    public var seriesRefs: [UInt64]

    public init(samplesWritten: Int = 0, histogramsWritten: Int = 0, exemplarsWritten: Int = 0,
                exemplarsDropped: Int = 0, seriesCreated: Int = 0, seriesRefs: [UInt64] = []) {
        self.samplesWritten = samplesWritten
        self.histogramsWritten = histogramsWritten
        self.exemplarsWritten = exemplarsWritten
        self.exemplarsDropped = exemplarsDropped
        self.seriesCreated = seriesCreated
        self.seriesRefs = seriesRefs
    }

    public static func + (lhs: AppendResult, rhs: AppendResult) -> AppendResult {
        AppendResult(
            samplesWritten: lhs.samplesWritten + rhs.samplesWritten,
            histogramsWritten: lhs.histogramsWritten + rhs.histogramsWritten,
            exemplarsWritten: lhs.exemplarsWritten + rhs.exemplarsWritten,
            exemplarsDropped: lhs.exemplarsDropped + rhs.exemplarsDropped,
            seriesCreated: lhs.seriesCreated + rhs.seriesCreated, seriesRefs: lhs.seriesRefs + rhs.seriesRefs)
    }
}
