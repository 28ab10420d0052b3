import PivotModel
import PivotSQLite
import Dispatch
import PivotStorage
import Synchronization

/// The write connection and its prepared statements.
struct Writer {
    let database: SQLiteDatabase
    let insertResource: SQLiteStatement
    let insertScope: SQLiteStatement
    let insertSpan: SQLiteStatement
    let insertSpanData: SQLiteStatement
    /// The id the next `span_data` row gets.
    var nextDataID: Int64
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
        insertSpan = try database.prepare(
            "INSERT OR IGNORE INTO spans (trace_id, span_id, data_id, parent, resource_id, scope_id, name, kind, start, end, status) "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        insertSpanData = try database.prepare("INSERT INTO span_data (id, attrs, bytes) VALUES (?1, ?2, ?3)")
        let last = try database.prepare("SELECT coalesce(max(id), 0) FROM span_data")
        _ = try last.step()
        nextDataID = last.int64(at: 0) + 1
        upsertTrace = try database.prepare("""
            INSERT INTO traces (trace_id, start, end, root_service, root_name) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (trace_id) DO UPDATE SET start = min(start, excluded.start), end = max(end, excluded.end),
                root_service = CASE WHEN ?6 THEN excluded.root_service ELSE root_service END,
                root_name = CASE WHEN ?6 THEN excluded.root_name ELSE root_name END
            """)
        upsertTraceService = try database.prepare("""
            INSERT INTO trace_services (service, trace_id, start, end) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (service, trace_id) DO UPDATE SET start = min(start, excluded.start), end = max(end, excluded.end)
            """)
        insertTagKey = try database.prepare("INSERT OR IGNORE INTO tag_keys (scope, key) VALUES (?1, ?2)")
        insertTagValue = try database.prepare(
            "INSERT OR IGNORE INTO tag_values (key, scope, type, value) VALUES (?1, ?2, ?3, ?4)")
        insertOperation = try database.prepare("INSERT OR IGNORE INTO operations (service, name, kind) VALUES (?1, ?2, ?3)")
    }
}

/// Per-trace figures of one batch: time span, root span and the services taking part.
struct TraceAggregate {
    var start: UInt64
    var end: UInt64
    var rootService: String?
    var rootName: String = ""
    var services: [String: (start: UInt64, end: UInt64)] = [:]
}

extension TraceStore {
    /// Writes on the store's own serial queue, so the blocking SQLite work never holds a thread of
    /// the cooperative pool (nor makes one wait for the write lock).
    public func append(_ batch: SpanBatch) async throws(AppendError) -> TraceAppendResult {
        guard !batch.spans.isEmpty else { return TraceAppendResult() }
        let outcome: Result<TraceAppendResult, AppendError> = await withCheckedContinuation { continuation in
            writeQueue.async { continuation.resume(returning: self.appendNow(batch)) }
        }
        return try outcome.get()
    }

    func appendNow(_ batch: SpanBatch) -> Result<TraceAppendResult, AppendError> {
        do {
            return .success(try writer.withLock { writer throws in try appendLocked(batch, writer: &writer) })
        } catch let error as SQLiteError {
            return .failure(AppendError(.storageUnavailable, "the trace store cannot write: \(error.message)"))
        } catch {
            return .failure(AppendError(.storageUnavailable, "the trace store cannot write: \(error)"))
        }
    }

    private func appendLocked(_ batch: SpanBatch, writer: inout Writer) throws -> TraceAppendResult {
        let firstDataID = writer.nextDataID
        var dataID = firstDataID
        let known = catalog.withLock { $0.snapshotForAppend() }
        var added = CatalogAdditions()
        let database = writer.database
        let statements = writer
        let result: TraceAppendResult
        do {
        result = try database.transaction { () throws -> TraceAppendResult in
            let writer = statements
            // Resources and scopes: stored once per distinct content.
            var resourceIDs: [Int64] = []
            resourceIDs.reserveCapacity(batch.resources.count)
            for resource in batch.resources {
                let hash = ContentHash.hash(resource.bytes, resource.schemaURL)
                if let id = known.resourceID(for: resource, hash: hash) ?? added.resourceID(for: resource, hash: hash) {
                    resourceIDs.append(id)
                    continue
                }
                let statement = writer.insertResource
                try statement.bind(hash, at: 1)
                try statement.bind(resource.bytes, at: 2)
                try statement.bind(resource.schemaURL, at: 3)
                try statement.bind(resource.serviceName, at: 4)
                try statement.bind(AttributeEncoding.encode(resource.attributes), at: 5)
                try statement.run()
                let id = writer.database.lastInsertRowID
                added.resources.append((id, hash, resource))
                resourceIDs.append(id)
                for attribute in resource.attributes {
                    added.noteTag(scope: .resource, attribute, known: known, options: options)
                }
            }
            var scopeIDs: [Int64] = []
            scopeIDs.reserveCapacity(batch.scopes.count)
            for scope in batch.scopes {
                let hash = ContentHash.hash(scope.bytes, scope.schemaURL)
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
                let id = writer.database.lastInsertRowID
                added.scopes.append((id, hash, scope))
                scopeIDs.append(id)
            }

            // Spans: a (trace, span) already stored is skipped.
            var written = 0
            var duplicates = 0
            var traces: [[UInt8]: TraceAggregate] = [:]
            var attributes: [UInt8] = []
            let insert = writer.insertSpan
            for span in batch.spans {
                let resourceIndex = span.resource < resourceIDs.count ? span.resource : 0
                let service = resourceIndex < batch.resources.count ? batch.resources[resourceIndex].serviceName : ""
                attributes.removeAll(keepingCapacity: true)
                AttributeEncoding.encode(span.attributes, into: &attributes)
                try insert.bind(span.traceID, at: 1)
                try insert.bind(span.spanID, at: 2)
                try insert.bind(dataID, at: 3)
                try insert.bind(span.parentSpanID, at: 4)
                try insert.bind(resourceIDs.isEmpty ? 0 : resourceIDs[resourceIndex], at: 5)
                try insert.bind(span.scope < scopeIDs.count ? scopeIDs[span.scope] : 0, at: 6)
                try insert.bind(span.name, at: 7)
                try insert.bind(Int64(span.kind), at: 8)
                try insert.bind(Int64(bitPattern: span.startTimeUnixNano), at: 9)
                try insert.bind(Int64(bitPattern: span.endTimeUnixNano), at: 10)
                try insert.bind(Int64(span.statusCode), at: 11)
                try insert.run()
                guard writer.database.changes > 0 else {
                    duplicates += 1
                    continue
                }
                let data = writer.insertSpanData
                try data.bind(dataID, at: 1)
                try data.bind(attributes, at: 2)
                try data.bind(span.bytes, at: 3)
                try data.run()
                dataID += 1
                written += 1
                let end = max(span.endTimeUnixNano, span.startTimeUnixNano)
                var aggregate = traces[span.traceID] ?? TraceAggregate(start: span.startTimeUnixNano, end: end)
                aggregate.start = min(aggregate.start, span.startTimeUnixNano)
                aggregate.end = max(aggregate.end, end)
                if span.parentSpanID.isEmpty {
                    aggregate.rootService = service
                    aggregate.rootName = span.name
                }
                let previous = aggregate.services[service] ?? (span.startTimeUnixNano, end)
                aggregate.services[service] = (min(previous.start, span.startTimeUnixNano), max(previous.end, end))
                traces[span.traceID] = aggregate
                added.noteOperation(service: service, name: span.name, kind: span.kind, known: known)
                for attribute in span.attributes {
                    added.noteTag(scope: .span, attribute, known: known, options: options)
                }
            }

            // Per-trace and per-service summaries.
            for (traceID, aggregate) in traces {
                let trace = writer.upsertTrace
                try trace.bind(traceID, at: 1)
                try trace.bind(Int64(bitPattern: aggregate.start), at: 2)
                try trace.bind(Int64(bitPattern: aggregate.end), at: 3)
                try trace.bind(aggregate.rootService ?? "", at: 4)
                try trace.bind(aggregate.rootName, at: 5)
                try trace.bind(aggregate.rootService == nil ? 0 : 1, at: 6)
                try trace.run()
                for (service, range) in aggregate.services {
                    let part = writer.upsertTraceService
                    try part.bind(service, at: 1)
                    try part.bind(traceID, at: 2)
                    try part.bind(Int64(bitPattern: range.start), at: 3)
                    try part.bind(Int64(bitPattern: range.end), at: 4)
                    try part.run()
                }
            }

            // Listings: only what this store has not seen yet.
            for key in added.tagKeys {
                try writer.insertTagKey.bind(Int64(key.scope), at: 1)
                try writer.insertTagKey.bind(key.key, at: 2)
                try writer.insertTagKey.run()
            }
            for value in added.tagValues {
                try writer.insertTagValue.bind(value.key, at: 1)
                try writer.insertTagValue.bind(Int64(value.scope), at: 2)
                try writer.insertTagValue.bind(Int64(value.type), at: 3)
                try writer.insertTagValue.bind(value.value, at: 4)
                try writer.insertTagValue.run()
            }
            for operation in added.operations {
                try writer.insertOperation.bind(operation.service, at: 1)
                try writer.insertOperation.bind(operation.name, at: 2)
                try writer.insertOperation.bind(Int64(operation.kind), at: 3)
                try writer.insertOperation.run()
            }
            return TraceAppendResult(spansWritten: written, duplicateSpans: duplicates)
        }
        } catch {
            writer.nextDataID = firstDataID
            throw error
        }
        writer.nextDataID = dataID
        // Only committed rows become known.
        catalog.withLock { $0.merge(added) }
        return result
    }
}
