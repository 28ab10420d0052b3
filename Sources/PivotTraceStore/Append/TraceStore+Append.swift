import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

/// The write connection and its prepared statements.
struct Writer {
    let database: SQLiteDatabase
    let insertResource: SQLiteStatement
    let insertScope: SQLiteStatement
    let insertChunk: SQLiteStatement
    let readChunk: SQLiteStatement
    let traceChunks: SQLiteStatement
    /// The id the next `span_chunks` row gets.
    var nextChunkID: Int64
    let upsertTrace: SQLiteStatement
    let insertService: SQLiteStatement
    let insertTagKey: SQLiteStatement
    let insertTagValue: SQLiteStatement
    let insertOperation: SQLiteStatement

    init(database: SQLiteDatabase) throws(SQLiteError) {
        self.database = database
        insertResource = try database.prepare(
            "INSERT INTO resources (hash, bytes, schema_url, service, attrs) VALUES (?1, ?2, ?3, ?4, ?5)")
        insertScope = try database.prepare(
            "INSERT INTO scopes (hash, bytes, schema_url, name, version) VALUES (?1, ?2, ?3, ?4, ?5)")
        insertChunk = try database.prepare("INSERT INTO span_chunks (id, data) VALUES (?1, ?2)")
        readChunk = try database.prepare("SELECT data FROM span_chunks WHERE id = ?1")
        traceChunks = try database.prepare("SELECT chunks FROM traces WHERE trace_id = ?1")
        let last = try database.prepare("SELECT coalesce(max(id), 0) FROM span_chunks")
        _ = try last.step()
        nextChunkID = last.int64(at: 0) + 1
        upsertTrace = try database.prepare("""
            INSERT INTO traces (trace_id, start, end, root_service, root_name, chunks, services)
            VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?8)
            ON CONFLICT (trace_id) DO UPDATE SET start = min(start, excluded.start), end = max(end, excluded.end),
                chunks = chunks || excluded.chunks, services = services | excluded.services,
                root_service = CASE WHEN ?6 THEN excluded.root_service ELSE root_service END,
                root_name = CASE WHEN ?6 THEN excluded.root_name ELSE root_name END
            """)
        insertService = try database.prepare("INSERT INTO services (name) VALUES (?1)")
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

            // Each resource's service bit (new services get a code).
            var serviceBits: [Int64] = []
            serviceBits.reserveCapacity(batch.resources.count)
            for resource in batch.resources {
                let name = resource.serviceName
                if let code = known.serviceCodes[name] ?? added.serviceCodes[name] {
                    serviceBits.append(Catalog.serviceBit(code))
                    continue
                }
                try writer.insertService.bind(name, at: 1)
                try writer.insertService.run()
                let code = database.lastInsertRowID
                added.serviceCodes[name] = code
                serviceBits.append(Catalog.serviceBit(code))
            }

            // Spans, one chunk per trace. Spans whose trace and span id are stored already are left
            // out (a retried export); a trace with nothing new is not touched.
            var written = 0
            var duplicates = prepared.repeatedSpans
            var scratch: [UInt8] = []
            for group in prepared.groups {
                var chunk = group.chunk
                var count = group.spans.count
                if let stored = try Self.storedSpanIDs(of: group.traceID, writer: writer), !stored.isEmpty {
                    let fresh = group.spans.filter { !stored.contains(batch.spans[$0].spanID) }
                    duplicates += group.spans.count - fresh.count
                    guard !fresh.isEmpty else { continue }
                    if fresh.count < group.spans.count {
                        chunk = SpanChunk.prepare(fresh.lazy.map { batch.spans[$0] }, scratch: &scratch)
                    }
                    count = fresh.count
                }
                written += count
                try writer.insertChunk.bind(chunkID, at: 1)
                try writer.insertChunk.bind(SpanChunk.row(chunk, resourceIDs: resourceIDs, scopeIDs: scopeIDs), at: 2)
                try writer.insertChunk.run()

                let trace = writer.upsertTrace
                try trace.bind(group.traceID, at: 1)
                try trace.bind(Int64(clamping: group.start), at: 2)
                try trace.bind(Int64(clamping: group.end), at: 3)
                try trace.bind(group.rootService ?? "", at: 4)
                try trace.bind(group.rootName, at: 5)
                try trace.bind(group.rootService == nil ? 0 : 1, at: 6)
                try trace.bind(TraceChunkList.encode(chunkID), at: 7)
                try trace.bind(group.resources.reduce(Int64(0)) { serviceBits.indices.contains($1) ? $0 | serviceBits[$1] : $0 }, at: 8)
                try trace.run()
                chunkID += 1
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

    /// The span ids stored for a trace, or nil when the trace is not stored.
    private static func storedSpanIDs(of traceID: [UInt8], writer: Writer) throws(SQLiteError) -> Set<[UInt8]>? {
        let lookup = writer.traceChunks
        defer { lookup.reset() }
        try lookup.bind(traceID, at: 1)
        guard try lookup.step() else { return nil }
        var ids = Set<[UInt8]>()
        for chunk in lookup.withBlob(at: 0, TraceChunkList.decode) {
            let read = writer.readChunk
            defer { read.reset() }
            try read.bind(chunk, at: 1)
            guard try read.step(), let decoded = read.withBlob(at: 0, SpanChunk.decode) else { continue }
            for fields in decoded.fields { ids.insert(fields.spanID) }
        }
        return ids
    }
}
