import Dispatch
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
    let traceRow: SQLiteStatement
    /// The id the next `span_chunks` row gets.
    var nextChunkID: Int64
    let replaceTrace: SQLiteStatement
    let setMergedThrough: SQLiteStatement
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
        insertChunk = try database.prepare("""
            INSERT INTO span_chunks (id, trace_id, start, end, services, root_service, root_name, data)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        readChunk = try database.prepare("SELECT data FROM span_chunks WHERE id = ?1")
        traceRow = try database.prepare("SELECT start, end, services, root_service, root_name, chunks FROM traces WHERE trace_id = ?1")
        let last = try database.prepare("SELECT coalesce(max(id), 0) FROM span_chunks")
        _ = try last.step()
        nextChunkID = last.int64(at: 0) + 1
        replaceTrace = try database.prepare("""
            INSERT OR REPLACE INTO traces (trace_id, start, end, root_service, root_name, chunks, services)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        setMergedThrough = try database.prepare("UPDATE trace_index SET merged_through = ?1")
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
        // This append's trace summaries, published once it commits.
        var updates: [IDKey: PendingTraces.Summary] = [:]
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

            // Spans, one chunk per trace, with the part's summary. Spans whose trace and span id are
            // stored already are left out (a retried export); a trace with nothing new is not touched.
            var written = 0
            var duplicates = prepared.repeatedSpans
            var scratch: [UInt8] = []
            for group in prepared.groups {
                let key = IDKey(group.traceID)
                let previous = try self.pending.withLock({ $0.traces[key] }) ?? Self.storedSummary(of: group.traceID, writer: writer)
                var chunk = group.chunk
                var count = group.spans.count
                if let previous, !previous.chunks.isEmpty {
                    let stored = try Self.spanIDs(in: previous.chunks, writer: writer)
                    let fresh = group.spans.filter { !stored.contains(batch.spans[$0].spanID) }
                    duplicates += group.spans.count - fresh.count
                    guard !fresh.isEmpty else { continue }
                    if fresh.count < group.spans.count {
                        chunk = SpanChunk.prepare(fresh.lazy.map { batch.spans[$0] }, scratch: &scratch)
                    }
                    count = fresh.count
                }
                written += count
                let services = group.resources.reduce(Int64(0)) { serviceBits.indices.contains($1) ? $0 | serviceBits[$1] : $0 }
                let insert = writer.insertChunk
                try insert.bind(chunkID, at: 1)
                try insert.bind(group.traceID, at: 2)
                try insert.bind(Int64(clamping: group.start), at: 3)
                try insert.bind(Int64(clamping: group.end), at: 4)
                try insert.bind(services, at: 5)
                if let root = group.rootService {
                    try insert.bind(root, at: 6)
                    try insert.bind(group.rootName, at: 7)
                } else {
                    try insert.bindNull(at: 6)
                    try insert.bindNull(at: 7)
                }
                try insert.bind(SpanChunk.row(chunk, resourceIDs: resourceIDs, scopeIDs: scopeIDs), at: 8)
                try insert.run()
                var summary = previous ?? .empty(group.traceID)
                summary.add(start: group.start, end: group.end, services: services, rootService: group.rootService,
                            rootName: group.rootName, chunk: chunkID)
                updates[key] = summary
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
        let waiting = self.pending.withLock { state in
            for (key, summary) in updates { state.traces[key] = summary }
            return state.count
        }
        if waiting >= options.pendingTraceLimit {
            writeQueue.async { [self] in
                try? self.writer.withLock { writer in try self.mergePending(writer: &writer) }
            }
        }
        return result
    }

    /// Writes the pending trace summaries into `traces`, sorted by trace id, and records the last
    /// chunk they cover, in one transaction; then forgets them. Runs on the write queue.
    func mergePending(writer: inout Writer) throws {
        let summaries = pending.withLock { $0.traces }.values.sorted { $0.traceID.lexicographicallyPrecedes($1.traceID) }
        let through = writer.nextChunkID - 1
        let statements = writer
        try writer.database.transaction { () throws in
            let replace = statements.replaceTrace
            for summary in summaries {
                try replace.bind(summary.traceID, at: 1)
                try replace.bind(Int64(clamping: summary.start), at: 2)
                try replace.bind(Int64(clamping: summary.end), at: 3)
                try replace.bind(summary.rootService ?? "", at: 4)
                try replace.bind(summary.rootName, at: 5)
                try replace.bind(summary.chunks.flatMap(TraceChunkList.encode), at: 6)
                try replace.bind(summary.services, at: 7)
                try replace.run()
            }
            try statements.setMergedThrough.bind(through, at: 1)
            try statements.setMergedThrough.run()
        }
        checkpointer.committed(writer: writer.database)
        // Appends run on this queue too: nothing was added since the summaries were read.
        pending.withLock { state in
            state.traces.removeAll(keepingCapacity: true)
            state.mergedThrough = through
        }
    }

    /// Rebuilds the pending summaries from the chunks after `trace_index.merged_through`.
    static func loadPending(writer: Writer) throws(SQLiteError) -> PendingTraces {
        var state = PendingTraces()
        let mark = try writer.database.prepare("SELECT merged_through FROM trace_index")
        if try mark.step() { state.mergedThrough = mark.int64(at: 0) }
        let parts = try writer.database.prepare("""
            SELECT id, trace_id, start, end, services, root_service, root_name FROM span_chunks WHERE id > ?1 ORDER BY id
            """)
        try parts.bind(state.mergedThrough, at: 1)
        while try parts.step() {
            let traceID = parts.blob(at: 1)
            let key = IDKey(traceID)
            var known = state.traces[key]
            if known == nil { known = try storedSummary(of: traceID, writer: writer) }
            var summary = known ?? .empty(traceID)
            summary.add(
                start: UInt64(clamping: parts.int64(at: 2)), end: UInt64(clamping: parts.int64(at: 3)), services: parts.int64(at: 4), rootService: parts.isNull(at: 5) ? nil : parts.text(at: 5),
                rootName: parts.isNull(at: 6) ? "" : parts.text(at: 6), chunk: parts.int64(at: 0))
            state.traces[key] = summary
        }
        return state
    }

    /// A trace's summary in `traces` (as of the last merge), or nil.
    static func storedSummary(of traceID: [UInt8], writer: Writer) throws(SQLiteError) -> PendingTraces.Summary? {
        let row = writer.traceRow
        defer { row.reset() }
        try row.bind(traceID, at: 1)
        guard try row.step() else { return nil }
        let rootService = row.text(at: 3)
        let rootName = row.text(at: 4)
        return PendingTraces.Summary(
            traceID: traceID, start: UInt64(clamping: row.int64(at: 0)), end: UInt64(clamping: row.int64(at: 1)),
            services: row.int64(at: 2), rootService: rootService.isEmpty && rootName.isEmpty ? nil : rootService,
            rootName: rootName, chunks: row.withBlob(at: 5, TraceChunkList.decode))
    }

    /// The span ids stored in `chunks`.
    private static func spanIDs(in chunks: [Int64], writer: Writer) throws(SQLiteError) -> Set<[UInt8]> {
        var ids = Set<[UInt8]>()
        for chunk in chunks {
            let read = writer.readChunk
            defer { read.reset() }
            try read.bind(chunk, at: 1)
            guard try read.step(), let decoded = read.withBlob(at: 0, SpanChunk.decode) else { continue }
            for fields in decoded.fields { ids.insert(fields.spanID) }
        }
        return ids
    }
}
