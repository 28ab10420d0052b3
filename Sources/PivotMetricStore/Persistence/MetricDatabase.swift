import Foundation
import PivotModel
import PivotSQLite

/// The writing connection to `metrics.sqlite` and its statements. Used from one place at a time:
/// during recovery by the opener, afterwards only on `DatabaseWorker`'s queue.
final class MetricDatabase: @unchecked Sendable {
    let connection: SQLiteDatabase
    private var statements: [String: SQLiteStatement] = [:]
    /// The ids of every row of `label_symbols`, once loaded (`loadSymbols`).
    private var symbols = SeriesRow.Symbols()
    private var symbolsLoaded = false

    /// Opens (creating when missing) the database. `pageSize` applies only to a new file: SQLite
    /// fixes the page size when the first page is written, and WAL mode cannot change it later.
    init(path: String, cacheKiB: Int, pageSize: Int) throws(SQLiteError) {
        if !FileManager.default.fileExists(atPath: path) {
            var creation = SQLiteOptions()
            creation.journalMode = .delete
            let fresh = try SQLiteDatabase(path: path, options: creation)
            try fresh.execute("PRAGMA page_size = \(pageSize); VACUUM")
            fresh.close()
        }
        var options = SQLiteOptions()
        options.cacheSizeKiB = cacheKiB
        options.enforceForeignKeys = false
        connection = try SQLiteDatabase(path: path, options: options)
    }

    func close() {
        statements = [:]
        connection.close()
    }

    /// A cached prepared statement, reset and with cleared bindings.
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statements[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try connection.prepare(sql)
        statements[sql] = statement
        return statement
    }

    // MARK: Facts

    func fact(_ key: String) throws(SQLiteError) -> Int64? {
        let statement = try statement("SELECT value FROM store_facts WHERE key = ?1")
        try statement.bind(key, at: 1)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(at: 0) : nil
    }

    func setFact(_ key: String, _ value: Int64) throws(SQLiteError) {
        let statement = try statement("INSERT OR REPLACE INTO store_facts (key, value) VALUES (?1, ?2)")
        try statement.bind(key, at: 1)
        try statement.bind(value, at: 2)
        try statement.run()
    }

    // MARK: Loading

    /// Every series: id and label set encoding. Rows whose labels do not decode (damaged, or naming a
    /// symbol `label_symbols` lacks) are skipped; their ids are returned.
    @discardableResult
    func loadSeries(_ body: (SeriesID, [UInt8]) -> Void) throws(SQLiteError) -> [SeriesID] {
        let texts = try loadSymbols()
        let statement = try statement("SELECT id, labels FROM series")
        defer { statement.reset() }
        var damaged: [SeriesID] = []
        while try statement.step() {
            guard let id = SeriesID(exactly: statement.int64(at: 0)) else { continue }
            guard let labelBytes = SeriesRow.decode(statement.blob(at: 1), texts: texts) else {
                damaged.append(id)
                continue
            }
            body(id, labelBytes)
        }
        return damaged
    }

    /// Reads `label_symbols` into `symbols` and returns the texts by id (loading series needs them;
    /// writing needs only the ids).
    @discardableResult
    private func loadSymbols() throws(SQLiteError) -> [Int64: [UInt8]] {
        let statement = try statement("SELECT id, text FROM label_symbols")
        defer { statement.reset() }
        var loaded = SeriesRow.Symbols()
        var texts: [Int64: [UInt8]] = [:]
        while try statement.step() {
            let (id, text) = (statement.int64(at: 0), statement.blob(at: 1))
            loaded.insert(id: id, text: text)
            texts[id] = text
        }
        symbols = loaded
        symbolsLoaded = true
        return texts
    }

    /// What recovery needs to know of one series' persisted data.
    struct PersistedSeriesState {
        var minTime: Int64 = .max
        var maxTime: Int64 = .min
        /// The newest float sample's time.
        var chunkMaxTime: Int64 = .min
        /// The newest time in chunks other than `lastChunk`, and in histograms.
        var coldMaxTime: Int64 = .min
        /// The chunk with the greatest min time.
        var lastChunk: PersistedChunk?
        var lastHistogram: HistogramSample?
    }

    func persistedState(of id: SeriesID, maxChunkSpan: Int64) throws(SQLiteError) -> PersistedSeriesState {
        var state = PersistedSeriesState()
        let first = try statement("SELECT min(min_t) FROM all_chunks WHERE series_id = ?1")
        try first.bind(Int64(id), at: 1)
        if try first.step(), !first.isNull(at: 0) { state.minTime = first.int64(at: 0) }
        first.reset()
        // On equal min times the open row is the newer copy (a sealed row can hold an older state of
        // the open chunk only in a database migrated from schema 2).
        let last = try statement(
            "SELECT min_t, data, crc FROM all_chunks WHERE series_id = ?1 ORDER BY min_t DESC, open DESC LIMIT 1")
        try last.bind(Int64(id), at: 1)
        if try last.step() {
            let lastMin = last.int64(at: 0)
            let data = last.blob(at: 1)
            let crc = last.isNull(at: 2) ? nil : last.int64(at: 2)
            state.lastChunk = ChunkIntegrity.verifiedChunk(data, crc: crc, series: Int64(id), minTime: lastMin)
            last.reset()
            let newest = try statement("SELECT max(max_t) FROM all_chunks WHERE series_id = ?1 AND min_t >= ?2")
            try newest.bind(Int64(id), at: 1)
            try newest.bind(lastMin &- maxChunkSpan, at: 2)
            if try newest.step() {
                state.chunkMaxTime = newest.int64(at: 0)
                state.maxTime = state.chunkMaxTime
            }
            newest.reset()
            let others = try statement(
                "SELECT max(max_t) FROM all_chunks WHERE series_id = ?1 AND min_t >= ?2 AND min_t < ?3")
            try others.bind(Int64(id), at: 1)
            try others.bind(lastMin &- maxChunkSpan, at: 2)
            try others.bind(lastMin, at: 3)
            if try others.step(), !others.isNull(at: 0) { state.coldMaxTime = others.int64(at: 0) }
            others.reset()
        } else {
            last.reset()
        }
        let firstHistogram = try statement("SELECT t FROM histograms WHERE series_id = ?1 ORDER BY t LIMIT 1")
        try firstHistogram.bind(Int64(id), at: 1)
        if try firstHistogram.step() { state.minTime = min(state.minTime, firstHistogram.int64(at: 0)) }
        firstHistogram.reset()
        let lastHistogram = try statement("SELECT data FROM histograms WHERE series_id = ?1 ORDER BY t DESC LIMIT 1")
        try lastHistogram.bind(Int64(id), at: 1)
        if try lastHistogram.step(), let histogram = HistogramCodec.decode(lastHistogram.blob(at: 0)) {
            state.lastHistogram = histogram
            state.maxTime = max(state.maxTime, histogram.timestamp)
            state.coldMaxTime = max(state.coldMaxTime, histogram.timestamp)
        }
        lastHistogram.reset()
        return state
    }

    func loadMetadata() throws(SQLiteError) -> [(metric: String, metadata: MetricMetadata)] {
        let statement = try statement("SELECT metric, type, help, unit FROM metadata")
        defer { statement.reset() }
        var result: [(metric: String, metadata: MetricMetadata)] = []
        while try statement.step() {
            let type = MetricType(rawValue: statement.text(at: 1)) ?? .unknown
            result.append((statement.text(at: 0), MetricMetadata(type: type, help: statement.text(at: 2), unit: statement.text(at: 3))))
        }
        return result
    }

    // MARK: Checkpoint

    /// Writes a checkpoint in one transaction.
    func write(_ batch: CheckpointBatch) throws {
        if !symbolsLoaded { try loadSymbols() }
        var addedSymbols: [(id: Int64, text: [UInt8])] = []
        do {
            try connection.transaction { () throws -> Void in
                try writeSeries(batch.series, addedSymbols: &addedSymbols)
                for write in batch.chunks { try writeChunk(write, final: batch.isFinal) }
                let insertHistogram = try statement(
                    "INSERT OR IGNORE INTO histograms (series_id, t, data) VALUES (?1, ?2, ?3)")
                for entry in batch.histograms {
                    try insertHistogram.bind(Int64(entry.id), at: 1)
                    try insertHistogram.bind(entry.histogram.timestamp, at: 2)
                    try insertHistogram.bind(HistogramCodec.encode(entry.histogram), at: 3)
                    try insertHistogram.run()
                }
                try writeExemplarBlocks(batch.exemplars)
                let upsertMetadata = try statement(
                    "INSERT OR REPLACE INTO metadata (metric, type, help, unit) VALUES (?1, ?2, ?3, ?4)")
                for entry in batch.metadata {
                    try upsertMetadata.bind(entry.metric, at: 1)
                    try upsertMetadata.bind(entry.metadata.type.rawValue, at: 2)
                    try upsertMetadata.bind(entry.metadata.help, at: 3)
                    try upsertMetadata.bind(entry.metadata.unit, at: 4)
                    try upsertMetadata.run()
                }
            }
        } catch {
            // The rows were not written: neither were the symbols.
            symbols.remove(addedSymbols)
            throw error
        }
    }

    /// New `series` rows as symbol ids, and the `label_symbols` rows they add.
    private func writeSeries(
        _ series: [(id: SeriesID, labels: [UInt8])], addedSymbols: inout [(id: Int64, text: [UInt8])]
    ) throws(SQLiteError) {
        guard !series.isEmpty else { return }
        let rows = series.map { SeriesRow.encode($0.labels, symbols: &symbols, added: &addedSymbols) ?? $0.labels }
        let insertSymbol = try statement("INSERT INTO label_symbols (id, text) VALUES (?1, ?2)")
        for symbol in addedSymbols {
            try insertSymbol.bind(symbol.id, at: 1)
            try insertSymbol.bind(symbol.text, at: 2)
            try insertSymbol.run()
        }
        let insertSeries = try statement("INSERT OR IGNORE INTO series (id, labels) VALUES (?1, ?2)")
        for (entry, row) in zip(series, rows) {
            try insertSeries.bind(Int64(entry.id), at: 1)
            try insertSeries.bind(row, at: 2)
            try insertSeries.run()
        }
    }

    /// One `exemplar_blocks` row per series, in series order.
    private func writeExemplarBlocks(_ exemplars: [StoredExemplar]) throws(SQLiteError) {
        guard !exemplars.isEmpty else { return }
        var bySeries: [SeriesID: [StoredExemplar]] = [:]
        for exemplar in exemplars { bySeries[exemplar.series, default: []].append(exemplar) }
        let insert = try statement(
            "INSERT INTO exemplar_blocks (series_id, min_t, max_t, data, crc) VALUES (?1, ?2, ?3, ?4, ?5)")
        for series in bySeries.keys.sorted() {
            let list = bySeries[series]!
            let data = ExemplarBlock.encode(list)
            try insert.bind(Int64(series), at: 1)
            try insert.bind(list.lazy.map(\.timestamp).min()!, at: 2)
            try insert.bind(list.lazy.map(\.timestamp).max()!, at: 3)
            try insert.bind(data, at: 4)
            try insert.bind(ChunkIntegrity.checksum(data), at: 5)
            try insert.run()
        }
    }

    /// The open chunk goes to `open_chunks` (one row per series, replaced as the chunk grows); every
    /// other chunk is sealed and appended to `chunks`, in the compact encoding where it is shorter.
    /// `final` (the checkpoint at close) writes the open chunk compactly as well: the next start
    /// re-encodes it as XOR before it takes appends.
    private func writeChunk(_ write: ChunkWrite, final: Bool) throws(SQLiteError) {
        let chunk = write.chunk
        if case .head = write.origin {
            let upsert = try statement(
                "INSERT OR REPLACE INTO open_chunks (series_id, min_t, max_t, data, crc) VALUES (?1, ?2, ?3, ?4, ?5)")
            try bindChunk(upsert, write.series, chunk, sealed: final)
            try upsert.run()
            return
        }
        switch write.mode {
        case .replaceOwnRow:
            // The chunk was open at an earlier checkpoint: its open row (or, after a migration from
            // schema 2, its sealed row) holds an older state of it.
            let dropOpen = try statement("DELETE FROM open_chunks WHERE series_id = ?1 AND min_t = ?2")
            try dropOpen.bind(Int64(write.series), at: 1)
            try dropOpen.bind(chunk.minTime, at: 2)
            try dropOpen.run()
            let replace = try statement(
                "INSERT OR REPLACE INTO chunks (series_id, min_t, max_t, data, crc) VALUES (?1, ?2, ?3, ?4, ?5)")
            try bindChunk(replace, write.series, chunk, sealed: true)
            try replace.run()
        case .insertOrMerge:
            let insert = try statement(
                "INSERT INTO chunks (series_id, min_t, max_t, data, crc) VALUES (?1, ?2, ?3, ?4, ?5) "
                    + "ON CONFLICT (series_id, min_t) DO NOTHING")
            try bindChunk(insert, write.series, chunk, sealed: true)
            try insert.run()
            guard connection.changes == 0 else { return }
            let select = try statement("SELECT data, crc FROM chunks WHERE series_id = ?1 AND min_t = ?2")
            try select.bind(Int64(write.series), at: 1)
            try select.bind(chunk.minTime, at: 2)
            guard try select.step() else { select.reset(); return }
            let stored = select.blob(at: 0)
            let storedCRC = select.isNull(at: 1) ? nil : select.int64(at: 1)
            select.reset()
            let storedSamples = ChunkIntegrity.verifiedChunk(
                stored, crc: storedCRC, series: Int64(write.series), minTime: chunk.minTime)?.samples() ?? []
            let merged = ChunkBuilder.chunk(of: SampleMerge.merge([storedSamples, chunk.samples()]))
            let update = try statement(
                "UPDATE chunks SET max_t = ?3, data = ?4, crc = ?5 WHERE series_id = ?1 AND min_t = ?2")
            try bindChunk(update, write.series, merged, sealed: true)
            try update.run()
        }
    }

    private func bindChunk(
        _ statement: SQLiteStatement, _ series: SeriesID, _ chunk: XORChunk, sealed: Bool
    ) throws(SQLiteError) {
        let bytes = PersistedChunk.bytes(of: chunk, sealed: sealed)
        try statement.bind(Int64(series), at: 1)
        try statement.bind(chunk.minTime, at: 2)
        try statement.bind(chunk.maxTime, at: 3)
        try statement.bind(bytes, at: 4)
        try statement.bind(ChunkIntegrity.checksum(bytes), at: 5)
    }

    // MARK: Retention

    /// Deletes chunks whose newest sample is older than `cutoff`, older histograms and exemplars, and
    /// every row of `removedSeries`, in one transaction.
    func applyRetention(cutoff: Int64, removedSeries: [SeriesID]) throws {
        var unusedSymbols: [(id: Int64, text: [UInt8])] = []
        try connection.transaction { () throws -> Void in
            for sql in [
                "DELETE FROM chunks WHERE max_t < ?1",
                "DELETE FROM open_chunks WHERE max_t < ?1",
                "DELETE FROM histograms WHERE t < ?1",
                "DELETE FROM exemplars WHERE t < ?1",
                "DELETE FROM exemplar_blocks WHERE max_t < ?1",
            ] {
                let statement = try statement(sql)
                try statement.bind(cutoff, at: 1)
                try statement.run()
            }
            for sql in [
                "DELETE FROM series WHERE id = ?1",
                "DELETE FROM chunks WHERE series_id = ?1",
                "DELETE FROM open_chunks WHERE series_id = ?1",
                "DELETE FROM histograms WHERE series_id = ?1",
                "DELETE FROM exemplars WHERE series_id = ?1",
                "DELETE FROM exemplar_blocks WHERE series_id = ?1",
            ] {
                let statement = try statement(sql)
                for id in removedSeries {
                    try statement.bind(Int64(id), at: 1)
                    try statement.run()
                }
            }
            if !removedSeries.isEmpty { unusedSymbols = try deleteUnusedSymbols() }
        }
        symbols.remove(unusedSymbols)
    }

    /// Deletes the `label_symbols` rows no series row names any more, and returns them. Reads every
    /// series row: it runs only when retention removed series.
    private func deleteUnusedSymbols() throws(SQLiteError) -> [(id: Int64, text: [UInt8])] {
        var used = Set<Int64>()
        let rows = try statement("SELECT labels FROM series")
        while try rows.step() {
            let row = rows.blob(at: 0)
            guard row.first == SeriesRow.symbolMarker else { continue }
            SeriesRow.symbolIDs(row) { used.insert($0) }
        }
        rows.reset()
        var unused: [(id: Int64, text: [UInt8])] = []
        let all = try statement("SELECT id, text FROM label_symbols")
        while try all.step() {
            let id = all.int64(at: 0)
            if !used.contains(id) { unused.append((id, all.blob(at: 1))) }
        }
        all.reset()
        let delete = try statement("DELETE FROM label_symbols WHERE id = ?1")
        for symbol in unused {
            try delete.bind(symbol.id, at: 1)
            try delete.run()
        }
        return unused
    }
}
