import PivotModel
import PivotSQLite
import Synchronization

/// Reading connections for queries, taken one per call and given back afterwards. SQLite's WAL mode
/// lets them read while the writer writes.
final class ReaderPool: Sendable {
    private let path: String
    private let cacheKiB: Int
    private let idleLimit: Int
    private let idle = Mutex<[ReadConnection]>([])

    init(path: String, cacheKiB: Int, idleLimit: Int) {
        self.path = path
        self.cacheKiB = cacheKiB
        self.idleLimit = idleLimit
    }

    func withConnection<R>(_ body: (ReadConnection) throws -> R) throws -> R {
        let connection = try idle.withLock { $0.popLast() } ?? ReadConnection(path: path, cacheKiB: cacheKiB)
        defer {
            idle.withLock { pool in
                if pool.count < idleLimit { pool.append(connection) } else { connection.close() }
            }
        }
        return try body(connection)
    }

    func closeAll() {
        let connections = idle.withLock { pool in
            let all = pool
            pool = []
            return all
        }
        for connection in connections { connection.close() }
    }
}

/// One reading connection with its statements. Used by one caller at a time.
final class ReadConnection: @unchecked Sendable {
    private let connection: SQLiteDatabase
    private let chunks: SQLiteStatement
    private let openChunk: SQLiteStatement
    private let histograms: SQLiteStatement
    private let exemplars: SQLiteStatement
    private let exemplarBlocks: SQLiteStatement

    init(path: String, cacheKiB: Int) throws(SQLiteError) {
        var options = SQLiteOptions()
        options.cacheSizeKiB = cacheKiB
        options.access = .readWrite
        options.enforceForeignKeys = false
        connection = try SQLiteDatabase(path: path, options: options)
        // Two statements rather than the `all_chunks` view: sealed rows come in index order, and the
        // one open row is put in place, without a sort of the BLOBs.
        chunks = try connection.prepare(
            "SELECT min_t, data, crc FROM chunks WHERE series_id = ?1 AND min_t >= ?2 AND min_t <= ?3 AND max_t >= ?4 "
                + "ORDER BY min_t")
        openChunk = try connection.prepare(
            "SELECT min_t, data, crc FROM open_chunks WHERE series_id = ?1 AND min_t >= ?2 AND min_t <= ?3 AND max_t >= ?4")
        histograms = try connection.prepare(
            "SELECT data FROM histograms WHERE series_id = ?1 AND t >= ?2 AND t <= ?3 ORDER BY t")
        exemplars = try connection.prepare(
            "SELECT t, value_bits, labels FROM exemplars WHERE series_id = ?1 AND t >= ?2 AND t <= ?3 ORDER BY t")
        exemplarBlocks = try connection.prepare(
            "SELECT data, crc FROM exemplar_blocks WHERE series_id = ?1 AND max_t >= ?2 AND min_t <= ?3")
    }

    func close() {
        connection.close()
    }

    /// The persisted samples of a series in `[mint, maxt]` (inclusive), one sorted list per chunk in
    /// `min_t` order. `maxChunkSpan` bounds how far before `mint` a chunk overlapping it can start.
    /// Rows whose min time is in `skipping` (chunks memory holds a newer copy of) are left out.
    func samples(
        of id: SeriesID, mint: Int64, maxt: Int64, maxChunkSpan: Int64, skipping: [Int64] = []
    ) throws(SQLiteError) -> [[Sample]] {
        var lists: [[Sample]] = []
        var minTimes: [Int64] = []
        var openList: (minTime: Int64, samples: [Sample])?
        for (statement, isOpen) in [(chunks, false), (openChunk, true)] {
            statement.reset()
            try statement.bind(Int64(id), at: 1)
            try statement.bind(mint > Int64.min + maxChunkSpan ? mint - maxChunkSpan : Int64.min, at: 2)
            try statement.bind(maxt, at: 3)
            try statement.bind(mint, at: 4)
            defer { statement.reset() }
            while try statement.step() {
                let minTime = statement.int64(at: 0)
                if !skipping.isEmpty && skipping.contains(minTime) { continue }
                let crc = statement.isNull(at: 2) ? nil : statement.int64(at: 2)
                guard let chunk = ChunkIntegrity.verifiedChunk(statement.blob(at: 1), crc: crc, series: Int64(id), minTime: minTime)
                else { continue }
                let samples = chunk.samples(in: mint...maxt)
                guard !samples.isEmpty else { continue }
                if isOpen {
                    openList = (minTime, samples)
                } else {
                    lists.append(samples)
                    minTimes.append(minTime)
                }
            }
        }
        if let openList {
            // After the sealed chunks that start no later, as `ORDER BY min_t, open` would put it.
            let position = minTimes.firstIndex { $0 > openList.minTime } ?? lists.count
            lists.insert(openList.samples, at: position)
        }
        return lists
    }

    func histograms(of id: SeriesID, mint: Int64, maxt: Int64) throws(SQLiteError) -> [HistogramSample] {
        histograms.reset()
        try histograms.bind(Int64(id), at: 1)
        try histograms.bind(mint, at: 2)
        try histograms.bind(maxt, at: 3)
        defer { histograms.reset() }
        var result: [HistogramSample] = []
        while try histograms.step() {
            if let histogram = HistogramCodec.decode(histograms.blob(at: 0)) { result.append(histogram) }
        }
        return result
    }

    /// The persisted exemplars of a series in `[mint, maxt]`, unsorted and possibly repeated (the
    /// caller sorts and drops repeats). A block that fails its checksum or does not decode is left out,
    /// logged and counted like a damaged chunk.
    func exemplars(of id: SeriesID, mint: Int64, maxt: Int64) throws(SQLiteError) -> [StoredExemplar] {
        var result: [StoredExemplar] = []
        exemplarBlocks.reset()
        try exemplarBlocks.bind(Int64(id), at: 1)
        try exemplarBlocks.bind(mint, at: 2)
        try exemplarBlocks.bind(maxt, at: 3)
        while try exemplarBlocks.step() {
            let data = exemplarBlocks.blob(at: 0)
            guard let block = ChunkIntegrity.verifiedExemplars(data, crc: exemplarBlocks.int64(at: 1), series: id) else { continue }
            result.append(contentsOf: block.lazy.filter { $0.timestamp >= mint && $0.timestamp <= maxt })
        }
        exemplarBlocks.reset()
        // Rows of schema versions before 4.
        exemplars.reset()
        try exemplars.bind(Int64(id), at: 1)
        try exemplars.bind(mint, at: 2)
        try exemplars.bind(maxt, at: 3)
        defer { exemplars.reset() }
        while try exemplars.step() {
            result.append(StoredExemplar(
                series: id, timestamp: exemplars.int64(at: 0),
                valueBits: UInt64(bitPattern: exemplars.int64(at: 1)), labels: exemplars.blob(at: 2)))
        }
        return result
    }
}
