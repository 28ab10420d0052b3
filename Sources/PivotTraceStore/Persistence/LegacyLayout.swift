import Logging
import PivotModel
import PivotSQLite

/// Converts traces stored before schema version 3, when each span's fields were a row of a `spans`
/// table (renamed `legacy_spans` by migration 3) and chunks held only attributes and bytes, into
/// chunks of the current layout listed in their `traces` row; and the per-service rows of
/// `trace_services` (renamed `legacy_trace_services`) into service codes and trace service masks.
/// Runs when the store opens, a thousand traces per transaction (an interrupted conversion continues
/// at the next open), then drops the legacy tables (`legacy_span_chunks` last, marking every
/// converted chunk as merged into `traces`).
enum LegacyLayout {
    static func convert(_ database: SQLiteDatabase, logger: Logger) throws {
        try convertSpans(database, logger: logger)
        try convertServices(database)
        // Converted chunks are summarised in `traces` already: none of them is pending.
        if try tableExists("legacy_span_chunks", in: database) {
            try database.transaction { () throws in
                try database.execute("""
                    UPDATE trace_index SET merged_through = (SELECT coalesce(max(id), 0) FROM span_chunks);
                    DROP TABLE legacy_span_chunks;
                    """)
            }
        }
    }

    private static func tableExists(_ name: String, in database: SQLiteDatabase) throws(SQLiteError) -> Bool {
        let exists = try database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")
        try exists.bind(name, at: 1)
        return try exists.step()
    }

    /// One transaction: service codes for every service named, then each row's bit on its trace.
    private static func convertServices(_ database: SQLiteDatabase) throws {
        guard try tableExists("legacy_trace_services", in: database) else { return }
        try database.transaction { () throws in
            try database.execute("""
                INSERT OR IGNORE INTO services (name) SELECT DISTINCT service FROM legacy_trace_services;
                """)
            let rows = try database.prepare("""
                SELECT DISTINCT l.trace_id, s.code FROM legacy_trace_services l JOIN services s ON s.name = l.service
                """)
            let update = try database.prepare("UPDATE traces SET services = services | ?2 WHERE trace_id = ?1")
            while try rows.step() {
                try update.bind(rows.blob(at: 0), at: 1)
                try update.bind(Catalog.serviceBit(rows.int64(at: 1)), at: 2)
                try update.run()
            }
            try database.execute("DROP TABLE legacy_trace_services")
        }
    }

    private static func convertSpans(_ database: SQLiteDatabase, logger: Logger) throws {
        guard try tableExists("legacy_spans", in: database) else { return }
        let nextTraces = try database.prepare("SELECT DISTINCT trace_id FROM legacy_spans LIMIT 1000")
        let rowsOfTrace = try database.prepare("""
            SELECT span_id, parent, resource_id, scope_id, name, kind, start, end, status, chunk_id, slot
            FROM legacy_spans WHERE trace_id = ?1 ORDER BY chunk_id, slot
            """)
        let readChunk = try database.prepare("SELECT data FROM legacy_span_chunks WHERE id = ?1")
        let deleteChunk = try database.prepare("DELETE FROM legacy_span_chunks WHERE id = ?1")
        let insertChunk = try database.prepare("""
            INSERT INTO span_chunks (id, trace_id, start, end, services, data) VALUES (?1, ?3, ?4, ?5, 0, ?2)
            """)
        let setChunks = try database.prepare("UPDATE traces SET chunks = chunks || ?2 WHERE trace_id = ?1")
        let deleteRows = try database.prepare("DELETE FROM legacy_spans WHERE trace_id = ?1")
        let last = try database.prepare("SELECT coalesce(max(id), 0) FROM span_chunks")
        _ = try last.step()
        var nextChunkID = last.int64(at: 0) + 1
        last.reset()
        var converted = 0
        while true {
            let count = try database.transaction { () throws -> Int in
                var traceIDs: [[UInt8]] = []
                while try nextTraces.step() { traceIDs.append(nextTraces.blob(at: 0)) }
                nextTraces.reset()
                var scratch: [UInt8] = []
                for traceID in traceIDs {
                    try rowsOfTrace.bind(traceID, at: 1)
                    var rows: [Row] = []
                    while try rowsOfTrace.step() {
                        let span = SpanBatch.Span(
                            traceID: traceID, spanID: rowsOfTrace.blob(at: 0), parentSpanID: rowsOfTrace.blob(at: 1),
                            name: rowsOfTrace.text(at: 4), kind: Int32(truncatingIfNeeded: rowsOfTrace.int64(at: 5)),
                            startTimeUnixNano: UInt64(clamping: rowsOfTrace.int64(at: 6)),
                            endTimeUnixNano: UInt64(clamping: rowsOfTrace.int64(at: 7)),
                            statusCode: Int32(truncatingIfNeeded: rowsOfTrace.int64(at: 8)), resource: 0, scope: 0, bytes: [])
                        rows.append(Row(
                            span: span, resource: rowsOfTrace.int64(at: 2), scope: rowsOfTrace.int64(at: 3),
                            chunk: rowsOfTrace.int64(at: 9), slot: rowsOfTrace.int(at: 10)))
                    }
                    rowsOfTrace.reset()
                    // One new chunk per old chunk, so the spans of each append stay together.
                    var list: [UInt8] = []
                    var start = 0
                    while start < rows.count {
                        var end = start
                        while end < rows.count && rows[end].chunk == rows[start].chunk { end += 1 }
                        try readChunk.bind(rows[start].chunk, at: 1)
                        let old = try readChunk.step() ? readChunk.withBlob(at: 0, SpanChunk.decode) : nil
                        readChunk.reset()
                        let spans = rows[start..<end]
                        try insertChunk.bind(nextChunkID, at: 1)
                        try insertChunk.bind(chunk(of: spans, old: old, scratch: &scratch), at: 2)
                        try insertChunk.bind(traceID, at: 3)
                        try insertChunk.bind(Int64(clamping: spans.map(\.span.startTimeUnixNano).min() ?? 0), at: 4)
                        try insertChunk.bind(Int64(clamping: spans.map { max($0.span.startTimeUnixNano, $0.span.endTimeUnixNano) }.max() ?? 0), at: 5)
                        try insertChunk.run()
                        list += TraceChunkList.encode(nextChunkID)
                        nextChunkID += 1
                        try deleteChunk.bind(rows[start].chunk, at: 1)
                        try deleteChunk.run()
                        start = end
                    }
                    try setChunks.bind(traceID, at: 1)
                    try setChunks.bind(list, at: 2)
                    try setChunks.run()
                    try deleteRows.bind(traceID, at: 1)
                    try deleteRows.run()
                }
                return traceIDs.count
            }
            guard count > 0 else { break }
            converted += count
        }
        try database.execute("DROP TABLE legacy_spans")
        logger.info("converted the trace store to its current layout", metadata: ["traces": "\(converted)"])
    }

    /// A `legacy_spans` row: the span's fields and where its attributes and bytes were.
    private struct Row {
        var span: SpanBatch.Span
        var resource: Int64
        var scope: Int64
        var chunk: Int64
        var slot: Int
    }

    /// The current-layout chunk row for the spans of one old chunk (`old`; nil when it was missing or
    /// damaged: the spans are kept without attributes and bytes).
    private static func chunk(of rows: ArraySlice<Row>, old: SpanChunk.Decoded?, scratch: inout [UInt8]) -> [UInt8] {
        var resourceIDs: [Int64] = []
        var scopeIDs: [Int64] = []
        var spans: [SpanBatch.Span] = []
        for row in rows {
            var span = row.span
            span.resource = resourceIDs.firstIndex(of: row.resource) ?? { resourceIDs.append(row.resource); return resourceIDs.count - 1 }()
            span.scope = scopeIDs.firstIndex(of: row.scope) ?? { scopeIDs.append(row.scope); return scopeIDs.count - 1 }()
            if let old {
                span.attributeBytes = old.attributeBytes(slot: row.slot)
                span.bytes = old.bytes(slot: row.slot)
            }
            spans.append(span)
        }
        return SpanChunk.row(SpanChunk.prepare(spans, scratch: &scratch), resourceIDs: resourceIDs, scopeIDs: scopeIDs)
    }
}
