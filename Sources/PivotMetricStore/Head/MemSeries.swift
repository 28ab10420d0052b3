import PivotModel

/// A series id: the shard in the low `HeadShard.shardBits` bits, the slot in the shard above them.
/// Ids are never reused while the store runs.
typealias SeriesID = UInt32

/// One series in the head: its identity, its open chunk and the data not yet written to SQLite.
/// Every access happens under the lock of the shard that owns it (hence `@unchecked Sendable`).
final class MemSeries: @unchecked Sendable {
    // Stored properties are laid out in declaration order: small ones are grouped to avoid padding.
    let id: SeriesID
    /// The appender that staged samples last (see `stagedMaxTime`), so one appender's repeated series
    /// are checked against what it staged before.
    var stagedToken: UInt32 = 0
    let hash: UInt64
    /// The `LabelSetEncoding` of the series' labels.
    let labelBytes: [UInt8]

    /// `labelBytes` decoded, once a query has needed them.
    private var decodedLabels: Labels?

    /// The series' labels, decoded on first use and kept (queries decoded them on every read).
    var labels: Labels {
        if let decodedLabels { return decodedLabels }
        let labels = LabelSetEncoding.decode(labelBytes) ?? .empty
        decodedLabels = labels
        return labels
    }

    /// The open chunk: in-order samples newer than every older chunk's.
    var head = XORChunk()
    /// Whether the chunks table has a row (id, `head.minTime`) written from `head` (so a later
    /// write of `head`, a superset, may replace it).
    var headOwnsRow = false
    /// Whether a series record for this series is in the write-ahead log or the series table.
    var isLogged = false
    /// Whether the series table has the series.
    var isPersisted = false
    /// `head.count` when the head was last written; equal means there is nothing new to write.
    var headPersistedCount = 0
    /// Full chunks (and out-of-order runs) waiting for the next checkpoint.
    var pending: [PendingChunk] = []

    /// The newest float sample's timestamp and value bits (persisted or in memory); `Int64.min` when none.
    var maxTime: Int64 = .min
    var lastValueBits: UInt64 = 0
    /// The persisted time range (floats and histograms), kept approximately across retention.
    var persistedMinTime: Int64 = .max
    var persistedMaxTime: Int64 = .min
    /// The newest time of persisted data that memory does not also hold (rows other than those the
    /// head and pending chunks own), so queries of recent data can skip SQLite.
    var coldMaxTime: Int64 = .min

    /// The newest sample the appender `stagedToken` staged.
    var stagedMaxTime: Int64 = .min
    var stagedValueBits: UInt64 = 0

    /// State few series need: out-of-order samples, native histograms, exemplar bookkeeping.
    var extras: SeriesExtras?

    init(id: SeriesID, hash: UInt64, labelBytes: [UInt8]) {
        self.id = id
        self.hash = hash
        self.labelBytes = labelBytes
    }

    /// The series' newest sample when the open chunk holds it and it is at or before `maxt`: nothing
    /// persisted, pending or out of order is newer, and the series has no native histograms (whose
    /// newest could be). Nil when that cannot be told from the head alone.
    func newestSampleInHead(through maxt: Int64) -> Sample? {
        guard let last = head.lastSample, last.timestamp <= maxt, last.timestamp == maxTime,
            coldMaxTime <= last.timestamp, persistedMaxTime <= last.timestamp
        else { return nil }
        if let extras, extras.lastHistogram != nil || !extras.histograms.isEmpty { return nil }
        return last
    }

    var ensuredExtras: SeriesExtras {
        if let extras { return extras }
        let created = SeriesExtras()
        extras = created
        return created
    }

    /// The oldest timestamp of any data the series has, or `Int64.max`.
    var oldestTime: Int64 {
        var oldest = min(persistedMinTime, head.minTime)
        for chunk in pending { oldest = min(oldest, chunk.chunk.minTime) }
        if let extras {
            if let first = extras.outOfOrder.first { oldest = min(oldest, first.timestamp) }
            if let first = extras.histograms.first { oldest = min(oldest, first.timestamp) }
        }
        return oldest
    }

    /// The newest timestamp of any data the series has, or `Int64.min`.
    var newestTime: Int64 {
        var newest = max(maxTime, persistedMaxTime)
        if let extras { newest = max(newest, extras.lastHistogram?.timestamp ?? .min) }
        return newest
    }

    /// Whether the series has data overlapping `[mint, maxt]` (milliseconds, inclusive); approximate
    /// when the series has gaps.
    func hasData(from mint: Int64, through maxt: Int64) -> Bool {
        let oldest = oldestTime
        return oldest != .max && oldest <= maxt && newestTime >= mint
    }

    /// Whether anything is left of the series.
    var isEmpty: Bool {
        head.isEmpty && pending.isEmpty && persistedMaxTime == .min
            && (extras.map { $0.outOfOrder.isEmpty && $0.histograms.isEmpty } ?? true)
    }

    /// Samples held in memory (head, pending, out-of-order).
    var memorySampleCount: Int {
        head.count + pending.reduce(0) { $0 + $1.chunk.count } + (extras?.outOfOrder.count ?? 0)
    }

    /// Chunks held in memory.
    var memoryChunkCount: Int {
        (head.isEmpty ? 0 : 1) + pending.count + ((extras?.outOfOrder.isEmpty ?? true) ? 0 : 1)
    }
}

/// A chunk waiting to be written to the chunks table.
struct PendingChunk: Sendable {
    var chunk: XORChunk
    /// Whether the table's row (id, `chunk.minTime`) was written from this chunk (replace it) or
    /// not (merge with any row that has the same key).
    var ownsRow: Bool
}

/// Per-series state that most series never need.
final class SeriesExtras: @unchecked Sendable {
    /// Samples older than the head's newest, sorted by time, unique timestamps.
    var outOfOrder: [Sample] = []
    /// Native histograms not yet written to SQLite, sorted by time, unique timestamps.
    var histograms: [HistogramSample] = []
    /// The newest native histogram ever accepted (persisted or not).
    var lastHistogram: HistogramSample?
    /// The newest exemplar accepted: its timestamp and a fingerprint of value and labels.
    var lastExemplarTime: Int64 = .min
    var lastExemplarFingerprint: UInt64 = 0
}
