import PivotModel
import PivotSQLite

/// The read connection and its prepared statements.
struct Reader {
    let database: SQLiteDatabase
    let chunk: SQLiteStatement
    let traceSummary: SQLiteStatement
    let recentTraces: SQLiteStatement

    init(database: SQLiteDatabase) throws(SQLiteError) {
        self.database = database
        chunk = try database.prepare("SELECT data FROM span_chunks WHERE id = ?1")
        traceSummary = try database.prepare("SELECT start, end, chunks FROM traces WHERE trace_id = ?1")
        // ?1 end bound, ?2 start bound, ?3 / ?4 duration bounds, ?5 service bit (0: any). Walks the
        // covering index traces_start newest first; the table row is read only for candidates.
        recentTraces = try database.prepare("""
            SELECT trace_id, start, end, root_service, root_name, chunks FROM traces INDEXED BY traces_start
            WHERE start <= ?1 AND end >= ?2 AND end - start >= ?3 AND end - start <= ?4 AND (?5 = 0 OR services & ?5 != 0)
            ORDER BY start DESC
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

    /// The spans of a trace stored in `chunks` (attributes and bytes not yet read), in stored order,
    /// and the decoded chunks for `complete`. A missing or damaged chunk contributes no spans.
    func spans(of traceID: [UInt8], chunks ids: [Int64]) throws(SQLiteError) -> TraceSpans {
        var result = TraceSpans()
        for id in ids where result.chunks[id] == nil {
            guard let decoded = try chunk(id) else { continue }
            result.chunks[id] = decoded
            for (slot, fields) in decoded.fields.enumerated() {
                let span = SpanBatch.Span(
                    traceID: traceID, spanID: fields.spanID, parentSpanID: fields.parentSpanID, name: fields.name,
                    kind: fields.kind, startTimeUnixNano: fields.startTimeUnixNano, endTimeUnixNano: fields.endTimeUnixNano,
                    statusCode: fields.statusCode, attributes: [], resource: 0, scope: 0, bytes: [])
                result.rows.append(SpanRow(span: span, resourceID: fields.resourceID, scopeID: fields.scopeID, chunkID: id, slot: slot))
            }
        }
        return result
    }

    /// A stored chunk, decoded; nil when missing or damaged.
    func chunk(_ id: Int64) throws(SQLiteError) -> SpanChunk.Decoded? {
        let statement = chunk
        defer { statement.reset() }
        try statement.bind(id, at: 1)
        guard try statement.step() else { return nil }
        return statement.withBlob(at: 0) { SpanChunk.decode($0) }
    }

    /// A trace's spans and the chunks they were decoded from.
    struct TraceSpans {
        var rows: [SpanRow] = []
        var chunks: [Int64: SpanChunk.Decoded] = [:]

        /// Fills in attributes (and, with `.attributesAndBytes`, span bytes) of `rows`.
        func complete(_ rows: inout [SpanRow], with content: SpanContent) {
            for index in rows.indices {
                guard let decoded = chunks[rows[index].chunkID] else { continue }
                rows[index].span.attributeBytes = decoded.attributeBytes(slot: rows[index].slot)
                if content == .attributesAndBytes { rows[index].span.bytes = decoded.bytes(slot: rows[index].slot) }
            }
        }
    }

    enum SpanContent {
        case attributes
        case attributesAndBytes
    }
}
