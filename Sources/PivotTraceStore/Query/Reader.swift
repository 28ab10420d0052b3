import PivotModel
import PivotSQLite

/// The read connection and its prepared statements.
struct Reader {
    let database: SQLiteDatabase
    let spansOfTrace: SQLiteStatement
    let chunk: SQLiteStatement
    let traceSummary: SQLiteStatement
    let recentTraces: SQLiteStatement
    let recentTracesOfService: SQLiteStatement

    init(database: SQLiteDatabase) throws(SQLiteError) {
        self.database = database
        spansOfTrace = try database.prepare("""
            SELECT span_id, parent, resource_id, scope_id, name, kind, start, end, status, chunk_id, slot
            FROM spans WHERE trace_id = ?1
            """)
        chunk = try database.prepare("SELECT data FROM span_chunks WHERE id = ?1")
        traceSummary = try database.prepare("SELECT start, end FROM traces WHERE trace_id = ?1")
        // ?1 end bound, ?2 start bound, ?3 / ?4 duration bounds, ?5 service.
        recentTraces = try database.prepare("""
            SELECT trace_id, start, end, root_service, root_name FROM traces
            WHERE start <= ?1 AND end >= ?2 AND end - start >= ?3 AND end - start <= ?4
            ORDER BY start DESC
            """)
        recentTracesOfService = try database.prepare("""
            SELECT t.trace_id, t.start, t.end, t.root_service, t.root_name FROM trace_services s
            JOIN traces t ON t.trace_id = s.trace_id
            WHERE s.service = ?5 AND s.start <= ?1 AND t.end >= ?2 AND t.end - t.start >= ?3 AND t.end - t.start <= ?4
            ORDER BY s.start DESC
            """)
    }

    /// One stored span (attributes and bytes not yet read) and where the rest of it is.
    struct SpanRow {
        var span: SpanBatch.Span
        var resourceID: Int64
        var scopeID: Int64
        var chunkID: Int64
        var slot: Int
    }

    /// The span rows of a trace, in key order (span id).
    func spanRows(of traceID: [UInt8]) throws(SQLiteError) -> [SpanRow] {
        let statement = spansOfTrace
        defer { statement.reset() }
        try statement.bind(traceID, at: 1)
        var rows: [SpanRow] = []
        while try statement.step() {
            let span = SpanBatch.Span(
                traceID: traceID, spanID: statement.blob(at: 0), parentSpanID: statement.blob(at: 1),
                name: statement.text(at: 4), kind: Int32(truncatingIfNeeded: statement.int64(at: 5)),
                startTimeUnixNano: UInt64(clamping: statement.int64(at: 6)),
                endTimeUnixNano: UInt64(clamping: statement.int64(at: 7)),
                statusCode: Int32(truncatingIfNeeded: statement.int64(at: 8)), attributes: [], resource: 0, scope: 0, bytes: [])
            rows.append(SpanRow(
                span: span, resourceID: statement.int64(at: 2), scopeID: statement.int64(at: 3),
                chunkID: statement.int64(at: 9), slot: statement.int(at: 10)))
        }
        return rows
    }

    /// A stored chunk, decoded; nil when missing or damaged.
    func chunk(_ id: Int64) throws(SQLiteError) -> SpanChunk.Decoded? {
        let statement = chunk
        defer { statement.reset() }
        try statement.bind(id, at: 1)
        guard try statement.step() else { return nil }
        return statement.withBlob(at: 0) { SpanChunk.decode($0) }
    }

    /// Fills in attributes (and, with `.bytes`, span bytes) of `rows` from their chunks.
    func complete(_ rows: inout [SpanRow], with content: SpanContent) throws(SQLiteError) {
        var chunks: [Int64: SpanChunk.Decoded] = [:]
        for index in rows.indices {
            let id = rows[index].chunkID
            if chunks[id] == nil, let decoded = try chunk(id) { chunks[id] = decoded }
            guard let decoded = chunks[id] else { continue }
            rows[index].span.attributes = decoded.attributes(slot: rows[index].slot)
            if content == .attributesAndBytes { rows[index].span.bytes = decoded.bytes(slot: rows[index].slot) }
        }
    }

    enum SpanContent {
        case attributes
        case attributesAndBytes
    }
}
