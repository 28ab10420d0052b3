import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

/// The write connection and its prepared statements.
struct Writer {
    let database: SQLiteDatabase
    let insertResource: SQLiteStatement
    let insertScope: SQLiteStatement
    let insertSpan: SQLiteStatement
    let insertChunk: SQLiteStatement
    /// The id the next `span_chunks` row gets.
    var nextChunkID: Int64
    let upsertTrace: SQLiteStatement
    let upsertTraceService: SQLiteStatement
    let insertTagKey: SQLiteStatement
    let insertTagValue: SQLiteStatement
    let insertOperation: SQLiteStatement

    init(database: SQLiteDatabase) throws(SQLiteError) {
        self.database = database
        insertResource = try database.prepare(
            "INSERT INTO resources (hash, bytes, schema_url, service, attrs) VALUES (?1, ?2, ?3, ?4, ?5)")
        insertScope = try database.prepare(
            "INSERT INTO scopes (hash, bytes, schema_url, name, version) VALUES (?1, ?2, ?3, ?4, ?5)")
        insertSpan = try database.prepare("""
            INSERT OR IGNORE INTO spans
                (trace_id, span_id, chunk_id, slot, parent, resource_id, scope_id, name, kind, start, end, status)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """)
        insertChunk = try database.prepare("INSERT INTO span_chunks (id, data) VALUES (?1, ?2)")
        let last = try database.prepare("SELECT coalesce(max(id), 0) FROM span_chunks")
        _ = try last.step()
        nextChunkID = last.int64(at: 0) + 1
        upsertTrace = try database.prepare("""
            INSERT INTO traces (trace_id, start, end, root_service, root_name) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (trace_id) DO UPDATE SET start = min(start, excluded.start), end = max(end, excluded.end),
                root_service = CASE WHEN ?6 THEN excluded.root_service ELSE root_service END,
                root_name = CASE WHEN ?6 THEN excluded.root_name ELSE root_name END
            """)
        upsertTraceService = try database.prepare("""
            INSERT OR IGNORE INTO trace_services (service, start, trace_id, end) VALUES (?1, ?3, ?2, ?4)
            """)
        insertTagKey = try database.prepare("INSERT OR IGNORE INTO tag_keys (scope, key) VALUES (?1, ?2)")
        insertTagValue = try database.prepare(
            "INSERT OR IGNORE INTO tag_values (key, scope, type, value) VALUES (?1, ?2, ?3, ?4)")
        insertOperation = try database.prepare("INSERT OR IGNORE INTO operations (service, name, kind) VALUES (?1, ?2, ?3)")
    }
}

extension TraceStore {
    /// Encodes and compresses on the caller's task, then writes one transaction on the store's
    /// serial queue, so the blocking SQLite work never holds a thread of the cooperative pool.
    public func append(_ batch: SpanBatch) async throws(AppendError) -> TraceAppendResult {
        guard !batch.spans.isEmpty else { return TraceAppendResult() }
        let began = ContinuousClock.now
        let known = catalog.withLock { $0 }
        let prepared = PreparedBatch(batch, known: known, options: options)
        let prepareNanos = Self.nanos(since: began)
        let outcome = await onWriter { writer in
            let began = ContinuousClock.now
            let result = try self.write(batch, prepared, writer: &writer)
            let writeNanos = Self.nanos(since: began)
            self.statisticsState.withLock { totals in
                totals.appends += 1
                totals.spansWritten += result.spansWritten
                totals.duplicateSpans += result.duplicateSpans
                totals.prepareNanos += prepareNanos
                totals.writeNanos += writeNanos
            }
            return result
        }
        switch outcome {
        case .success(let result):
            return result
        case .failure(let error as TraceStoreError):
            throw AppendError(.storageUnavailable, error.message)
        case .failure(let error as SQLiteError):
            throw AppendError(.storageUnavailable, "the trace store cannot write: \(error.message)")
        case .failure(let error):
            throw AppendError(.storageUnavailable, "the trace store cannot write: \(error)")
        }
    }

    static func nanos(since start: ContinuousClock.Instant) -> UInt64 {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    private func write(_ batch: SpanBatch, _ prepared: PreparedBatch, writer: inout Writer) throws -> TraceAppendResult {
        let known = catalog.withLock { $0 }
        var added = CatalogAdditions()
        var chunkID = writer.nextChunkID
        let statements = writer
        let database = writer.database
        let result = try database.transaction { () throws -> TraceAppendResult in
            let writer = statements
            // Resources and scopes: stored once per distinct content.
            var resourceIDs: [Int64] = []
            resourceIDs.reserveCapacity(batch.resources.count)
            for (index, resource) in batch.resources.enumerated() {
                let hash = prepared.resourceHashes[index]
                if let id = known.resourceID(for: resource, hash: hash) ?? added.resourceID(for: resource, hash: hash) {
                    resourceIDs.append(id)
                    continue
                }
                let statement = writer.insertResource
                try statement.bind(hash, at: 1)
                try statement.bind(resource.bytes, at: 2)
                try statement.bind(resource.schemaURL, at: 3)
                try statement.bind(resource.serviceName, at: 4)
                try statement.bind(prepared.resourceAttributes[index], at: 5)
                try statement.run()
                let id = database.lastInsertRowID
                added.resources.append((id, hash, resource))
                resourceIDs.append(id)
            }
            var scopeIDs: [Int64] = []
            scopeIDs.reserveCapacity(batch.scopes.count)
            for (index, scope) in batch.scopes.enumerated() {
                let hash = prepared.scopeHashes[index]
                if let id = known.scopeID(for: scope, hash: hash) ?? added.scopeID(for: scope, hash: hash) {
                    scopeIDs.append(id)
                    continue
                }
                let statement = writer.insertScope
                try statement.bind(hash, at: 1)
                try statement.bind(scope.bytes, at: 2)
                try statement.bind(scope.schemaURL, at: 3)
                try statement.bind(scope.name, at: 4)
                try statement.bind(scope.version, at: 5)
                try statement.run()
                let id = database.lastInsertRowID
                added.scopes.append((id, hash, scope))
                scopeIDs.append(id)
            }

            // Spans, one chunk per trace: a (trace, span) already stored is skipped; a chunk whose
            // spans were all skipped is not stored.
            var written = 0
            var duplicates = 0
            let insert = writer.insertSpan
            for group in prepared.groups {
                var groupWritten = 0
                for (slot, index) in group.spans.enumerated() {
                    let span = batch.spans[index]
                    try insert.bind(span.traceID, at: 1)
                    try insert.bind(span.spanID, at: 2)
                    try insert.bind(chunkID, at: 3)
                    try insert.bind(slot, at: 4)
                    try insert.bind(span.parentSpanID, at: 5)
                    try insert.bind(resourceIDs.indices.contains(span.resource) ? resourceIDs[span.resource] : 0, at: 6)
                    try insert.bind(scopeIDs.indices.contains(span.scope) ? scopeIDs[span.scope] : 0, at: 7)
                    try insert.bind(span.name, at: 8)
                    try insert.bind(Int64(span.kind), at: 9)
                    try insert.bind(Int64(clamping: span.startTimeUnixNano), at: 10)
                    try insert.bind(Int64(clamping: span.endTimeUnixNano), at: 11)
                    try insert.bind(Int64(span.statusCode), at: 12)
                    try insert.run()
                    if database.changes > 0 { groupWritten += 1 } else { duplicates += 1 }
                }
                guard groupWritten > 0 else { continue }
                written += groupWritten
                try writer.insertChunk.bind(chunkID, at: 1)
                try writer.insertChunk.bind(group.chunk, at: 2)
                try writer.insertChunk.run()
                chunkID += 1

                let trace = writer.upsertTrace
                try trace.bind(group.traceID, at: 1)
                try trace.bind(Int64(clamping: group.start), at: 2)
                try trace.bind(Int64(clamping: group.end), at: 3)
                try trace.bind(group.rootService ?? "", at: 4)
                try trace.bind(group.rootName, at: 5)
                try trace.bind(group.rootService == nil ? 0 : 1, at: 6)
                try trace.run()
                for (service, range) in group.services {
                    let part = writer.upsertTraceService
                    try part.bind(service, at: 1)
                    try part.bind(group.traceID, at: 2)
                    try part.bind(Int64(clamping: range.start), at: 3)
                    try part.bind(Int64(clamping: range.end), at: 4)
                    try part.run()
                }
            }

            // Listings: what the catalog did not know, within the per-key cap.
            for key in prepared.tagKeys where known.tagKeys[key] == nil {
                try writer.insertTagKey.bind(Int64(key.scope), at: 1)
                try writer.insertTagKey.bind(key.key, at: 2)
                try writer.insertTagKey.run()
                added.tagKeys.append(key)
            }
            var counts: [Catalog.TagKey: Int] = [:]
            for value in prepared.tagValues where !known.tagValues.contains(value) {
                let key = Catalog.TagKey(scope: value.scope, key: value.key)
                let count = counts[key] ?? known.tagKeys[key] ?? 0
                guard count < options.maxTagValuesPerKey else { continue }
                counts[key] = count + 1
                let stored = Catalog.stored(value.value)
                try writer.insertTagValue.bind(value.key, at: 1)
                try writer.insertTagValue.bind(Int64(value.scope), at: 2)
                try writer.insertTagValue.bind(Int64(stored.type), at: 3)
                try writer.insertTagValue.bind(stored.text, at: 4)
                try writer.insertTagValue.run()
                added.tagValues.append(value)
            }
            for operation in prepared.operations where !known.operations.contains(operation) {
                try writer.insertOperation.bind(operation.service, at: 1)
                try writer.insertOperation.bind(operation.name, at: 2)
                try writer.insertOperation.bind(Int64(operation.kind), at: 3)
                try writer.insertOperation.run()
                added.operations.append(operation)
            }
            return TraceAppendResult(spansWritten: written, duplicateSpans: duplicates)
        }
        // Only committed rows become known.
        writer.nextChunkID = chunkID
        checkpointer.committed(writer: database)
        catalog.withLock { $0.merge(added) }
        return result
    }
}
