import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

/// The read connection and its prepared statements.
struct Reader {
    let database: SQLiteDatabase
    let spansOfTrace: SQLiteStatement
    let traceSummary: SQLiteStatement
    let recentTraces: SQLiteStatement
    let recentTracesOfService: SQLiteStatement

    init(database: SQLiteDatabase) throws(SQLiteError) {
        self.database = database
        spansOfTrace = try database.prepare("""
            SELECT s.span_id, s.parent, s.resource_id, s.scope_id, s.name, s.kind, s.start, s.end, s.status, d.attrs, d.bytes
            FROM spans s JOIN span_data d ON d.id = s.data_id WHERE s.trace_id = ?1
            """)
        traceSummary = try database.prepare("SELECT start, end FROM traces WHERE trace_id = ?1")
        recentTraces = try database.prepare("""
            SELECT trace_id, start, end, root_service, root_name FROM traces
            WHERE start <= ?1 AND end >= ?2 AND end - start >= ?3 AND end - start <= ?4
            ORDER BY start DESC
            """)
        recentTracesOfService = try database.prepare("""
            SELECT t.trace_id, t.start, t.end, t.root_service, t.root_name FROM trace_services s
            JOIN traces t ON t.trace_id = s.trace_id
            WHERE s.service = ?5 AND s.start <= ?1 AND s.end >= ?2 AND t.end - t.start >= ?3 AND t.end - t.start <= ?4
            ORDER BY s.start DESC
            """)
    }
}

extension TraceStore {
    static let signedMax = UInt64(Int64.max)

    public func trace(id: [UInt8], startUnixNano: UInt64?, endUnixNano: UInt64?) throws(QueryError) -> StoredTrace? {
        do {
            let rows = try reader.withLock { reader throws(SQLiteError) -> [SpanRow]? in
                if startUnixNano != nil || endUnixNano != nil {
                    let summary = reader.traceSummary
                    defer { summary.reset() }
                    try summary.bind(id, at: 1)
                    guard try summary.step() else { return nil }
                    let start = UInt64(bitPattern: summary.int64(at: 0))
                    let end = UInt64(bitPattern: summary.int64(at: 1))
                    if let startUnixNano, end < startUnixNano { return nil }
                    if let endUnixNano, start > endUnixNano { return nil }
                }
                return try Self.spanRows(of: id, reader: reader, withBytes: true)
            }
            guard let rows, !rows.isEmpty else { return nil }
            return assemble(traceID: id, rows: rows)
        } catch {
            throw QueryError(.storage, "reading trace failed: \(error.message)")
        }
    }

    /// One stored span and the ids of its resource and scope.
    struct SpanRow {
        var span: SpanBatch.Span
        var resourceID: Int64
        var scopeID: Int64
    }

    static func spanRows(of traceID: [UInt8], reader: borrowing Reader, withBytes: Bool) throws(SQLiteError) -> [SpanRow] {
        let statement = reader.spansOfTrace
        defer { statement.reset() }
        try statement.bind(traceID, at: 1)
        var rows: [SpanRow] = []
        while try statement.step() {
            let span = SpanBatch.Span(
                traceID: traceID, spanID: statement.blob(at: 0), parentSpanID: statement.blob(at: 1),
                name: statement.text(at: 4), kind: Int32(statement.int(at: 5)),
                startTimeUnixNano: UInt64(bitPattern: statement.int64(at: 6)),
                endTimeUnixNano: UInt64(bitPattern: statement.int64(at: 7)), statusCode: Int32(statement.int(at: 8)),
                attributes: statement.withBlob(at: 9) { AttributeEncoding.decode($0) }, resource: 0, scope: 0,
                bytes: withBytes ? statement.blob(at: 10) : [])
            rows.append(SpanRow(span: span, resourceID: statement.int64(at: 2), scopeID: statement.int64(at: 3)))
        }
        return rows
    }

    /// Spans ordered by start time, with the resources and scopes they use (indices rewritten).
    func assemble(traceID: [UInt8], rows: [SpanRow]) -> StoredTrace {
        catalog.withLock { catalog in
            var resources: [SpanBatch.Resource] = []
            var scopes: [SpanBatch.Scope] = []
            var resourceIndex: [Int64: Int] = [:]
            var scopeIndex: [Int64: Int] = [:]
            var spans: [SpanBatch.Span] = []
            spans.reserveCapacity(rows.count)
            let ordered = rows.sorted { a, b in
                if a.span.startTimeUnixNano != b.span.startTimeUnixNano {
                    return a.span.startTimeUnixNano < b.span.startTimeUnixNano
                }
                return a.span.spanID.lexicographicallyPrecedes(b.span.spanID)
            }
            for row in ordered {
                var span = row.span
                if let index = resourceIndex[row.resourceID] {
                    span.resource = index
                } else {
                    resourceIndex[row.resourceID] = resources.count
                    span.resource = resources.count
                    resources.append(catalog.resources[row.resourceID] ?? SpanBatch.Resource(bytes: [], serviceName: "", attributes: []))
                }
                if let index = scopeIndex[row.scopeID] {
                    span.scope = index
                } else {
                    scopeIndex[row.scopeID] = scopes.count
                    span.scope = scopes.count
                    scopes.append(catalog.scopes[row.scopeID] ?? SpanBatch.Scope(bytes: []))
                }
                spans.append(span)
            }
            return StoredTrace(traceID: traceID, resources: resources, scopes: scopes, spans: spans)
        }
    }

    public func searchTraces(_ query: TraceSearchQuery) throws(QueryError) -> [TraceSummary] {
        let needsSpans = query.spanFilter != nil || query.spanName != nil
        let resources = catalog.withLock { $0.resources }
        do {
            return try reader.withLock { reader throws(SQLiteError) -> [TraceSummary] in
                let statement = query.serviceName == nil ? reader.recentTraces : reader.recentTracesOfService
                defer { statement.reset() }
                try statement.bind(Int64(bitPattern: min(query.endUnixNano ?? Self.signedMax, Self.signedMax)), at: 1)
                try statement.bind(Int64(bitPattern: min(query.startUnixNano ?? 0, Self.signedMax)), at: 2)
                try statement.bind(Int64(bitPattern: min(query.minDurationNanos ?? 0, Self.signedMax)), at: 3)
                try statement.bind(Int64(bitPattern: min(query.maxDurationNanos ?? Self.signedMax, Self.signedMax)), at: 4)
                if let service = query.serviceName { try statement.bind(service, at: 5) }
                var found: [TraceSummary] = []
                var inspected = 0
                while found.count < query.limit, inspected < options.maxInspectedTraces, try statement.step() {
                    inspected += 1
                    let traceID = statement.blob(at: 0)
                    let start = UInt64(bitPattern: statement.int64(at: 1))
                    let end = UInt64(bitPattern: statement.int64(at: 2))
                    var summary = TraceSummary(
                        traceID: traceID, rootServiceName: statement.text(at: 3), rootSpanName: statement.text(at: 4),
                        startTimeUnixNano: start, durationNanos: end >= start ? end - start : 0, matchedSpans: [], matched: 0)
                    if needsSpans {
                        for row in try Self.spanRows(of: traceID, reader: reader, withBytes: false) {
                            let resource = resources[row.resourceID] ?? SpanBatch.Resource(bytes: [], serviceName: "", attributes: [])
                            if let service = query.serviceName, resource.serviceName != service { continue }
                            if let name = query.spanName, row.span.name != name { continue }
                            if let filter = query.spanFilter, !filter(row.span, resource) { continue }
                            summary.matched += 1
                            if summary.matchedSpans.count < query.spansPerTrace {
                                summary.matchedSpans.append(row.span)
                                summary.matchedSpanServices.append(resource.serviceName)
                            }
                        }
                        guard summary.matched > 0 else { continue }
                    }
                    found.append(summary)
                }
                return found
            }
        } catch {
            throw QueryError(.storage, "searching traces failed: \(error.message)")
        }
    }

    public func traceTagNames(
        scope: TraceAttributeScope, startUnixNano: UInt64?, endUnixNano: UInt64?, limit: Int
    ) throws(QueryError) -> [String] {
        let number = Catalog.scopeNumber(scope)
        let names = catalog.withLock { catalog in catalog.tagKeys.filter { $0.scope == number }.map(\.key) }
        return Array(names.sorted().prefix(limit))
    }

    public func traceTagValues(
        _ key: String, scope: TraceAttributeScope?, startUnixNano: UInt64?, endUnixNano: UInt64?, limit: Int
    ) throws(QueryError) -> [SpanAttribute.Value] {
        if scope == nil {
            switch key {
            case "name":
                let names = catalog.withLock { Set($0.operations.map(\.name)) }
                return names.sorted().prefix(limit).map { .string($0) }
            case "status":
                return ["error", "ok", "unset"].map { .string($0) }
            case "kind":
                let kinds = catalog.withLock { Set($0.operations.map(\.kind)) }
                let names = ["unspecified", "internal", "server", "client", "producer", "consumer"]
                return kinds.sorted().compactMap { $0 >= 0 && $0 < 6 ? .string(names[Int($0)]) : nil }
            default: break
            }
        }
        let number = scope.map(Catalog.scopeNumber)
        let values = catalog.withLock { catalog in
            catalog.tagValues.filter { $0.key == key && (number == nil || $0.scope == number) }
        }
        var seen = Set<SpanAttribute.Value>()
        var result: [SpanAttribute.Value] = []
        for value in values.sorted(by: { ($0.type, $0.value) < ($1.type, $1.value) }) {
            let typed: SpanAttribute.Value
            switch value.type {
            case 1: typed = Int64(value.value).map { .int($0) } ?? .string(value.value)
            case 2: typed = Double(value.value).map { .double($0) } ?? .string(value.value)
            case 3: typed = .bool(value.value == "true")
            default: typed = .string(value.value)
            }
            if seen.insert(typed).inserted { result.append(typed) }
            if result.count >= limit { break }
        }
        return result
    }

    public func traceServices() throws(QueryError) -> [String] {
        catalog.withLock { Set($0.operations.map(\.service)) }.sorted()
    }

    public func traceOperations(service: String) throws(QueryError) -> [(name: String, kind: Int32)] {
        catalog.withLock { $0.operations.filter { $0.service == service } }
            .sorted { ($0.name, $0.kind) < ($1.name, $1.kind) }
            .map { ($0.name, $0.kind) }
    }

    /// Deletes traces whose last span ended before `now - retention` (nanoseconds), in batches;
    /// returns the number of traces deleted.
    @discardableResult
    public func deleteExpired(nowUnixNano: UInt64) throws(TraceStoreError) -> Int {
        guard nowUnixNano > options.retentionNanos else { return 0 }
        let cutoff = Int64(bitPattern: min(nowUnixNano - options.retentionNanos, Self.signedMax))
        do {
            return try writer.withLock { writer throws -> Int in
                var deleted = 0
                while true {
                    let count = try writer.database.transaction { () throws -> Int in
                        try writer.database.execute("DROP TABLE IF EXISTS temp.expired")
                        let select = try writer.database.prepare(
                            "CREATE TEMP TABLE expired AS SELECT trace_id FROM traces WHERE end < ?1 LIMIT 10000")
                        try select.bind(cutoff, at: 1)
                        try select.run()
                        try writer.database.execute("""
                            DELETE FROM span_data WHERE id IN (
                                SELECT data_id FROM spans WHERE trace_id IN (SELECT trace_id FROM temp.expired));
                            DELETE FROM spans WHERE trace_id IN (SELECT trace_id FROM temp.expired);
                            DELETE FROM trace_services WHERE trace_id IN (SELECT trace_id FROM temp.expired);
                            DELETE FROM traces WHERE trace_id IN (SELECT trace_id FROM temp.expired);
                            """)
                        return writer.database.changes
                    }
                    deleted += count
                    if count < 10_000 { break }
                }
                try writer.database.execute("DROP TABLE IF EXISTS temp.expired")
                return deleted
            }
        } catch {
            throw TraceStoreError("deleting expired traces failed: \(error)")
        }
    }
}
