/// Summaries of the traces appended since the last merge into the `traces` table.
///
/// An append's per-trace summary (first start, last end, services, root, chunk ids) would otherwise
/// be an upsert into `traces` and its start index: rows keyed by random trace ids and start times,
/// each costing SQLite a page write. Instead each chunk row carries its part's summary (written
/// sequentially), and the store keeps the summaries of chunks after `trace_index.merged_through`
/// here, complete: a trace stored before starts from its `traces` row. Every `limit` traces (and
/// before retention) they are written to `traces` in one transaction sorted by trace id, which touches
/// each page once for many traces. Reads look here first: a trace found here is not read from
/// `traces`, whose row is older.
struct PendingTraces: Sendable {
    /// A trace's summary as of its latest append.
    struct Summary: Sendable {
        var traceID: [UInt8]
        var start: UInt64
        var end: UInt64
        var services: Int64
        /// Set once the root span (no parent) was stored.
        var rootService: String?
        /// The root span's name ("" until it is stored).
        var rootName: String
        /// Chunk ids in append order.
        var chunks: [Int64]

        /// A trace with no part yet: `add` sets everything.
        static func empty(_ traceID: [UInt8]) -> Summary {
            Summary(traceID: traceID, start: .max, end: 0, services: 0, rootService: nil, rootName: "", chunks: [])
        }

        /// Adds an append's part (its first start, last end, services, root and chunk).
        mutating func add(start: UInt64, end: UInt64, services: Int64, rootService: String?, rootName: String, chunk: Int64) {
            self.start = min(self.start, start)
            self.end = max(self.end, end)
            self.services |= services
            if let rootService {
                self.rootService = rootService
                self.rootName = rootName
            }
            chunks.append(chunk)
        }
    }

    var traces: [IDKey: Summary] = [:]
    /// The last chunk id folded into `traces` (the database's `trace_index.merged_through`).
    var mergedThrough: Int64 = 0

    var count: Int { traces.count }

    /// The summaries passing a search's bounds, newest start first.
    func candidates(endBound: UInt64, startBound: UInt64, minDuration: UInt64, maxDuration: UInt64, serviceBit: Int64) -> [Summary] {
        traces.values.filter { summary in
            let duration = summary.end >= summary.start ? summary.end - summary.start : 0
            return summary.start <= endBound && summary.end >= startBound && duration >= minDuration && duration <= maxDuration
                && (serviceBit == 0 || summary.services & serviceBit != 0)
        }.sorted { $0.start > $1.start }
    }
}
