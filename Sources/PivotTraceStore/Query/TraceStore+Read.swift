import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization

extension TraceStore {
    static let signedMax = UInt64(Int64.max)

    public func trace(id: [UInt8], startUnixNano: UInt64?, endUnixNano: UInt64?) throws(QueryError) -> StoredTrace? {
        try checkReadable()
        do {
            // A pending summary is newer than the trace's row (taken before the read, so a merge
            // finishing in between is seen in the database).
            let pendingSummary = pending.withLock { $0.traces[IDKey(id)] }
            let rows = try readers.withReader { reader throws(SQLiteError) -> [Reader.SpanRow]? in
                let start: UInt64
                let end: UInt64
                let chunks: [Int64]
                if let pendingSummary {
                    (start, end, chunks) = (pendingSummary.start, pendingSummary.end, pendingSummary.chunks)
                } else {
                    let summary = reader.traceSummary
                    defer { summary.reset() }
                    try summary.bind(id, at: 1)
                    guard try summary.step() else { return nil }
                    start = UInt64(clamping: summary.int64(at: 0))
                    end = UInt64(clamping: summary.int64(at: 1))
                    chunks = summary.withBlob(at: 2, TraceChunkList.decode)
                }
                if let startUnixNano, end < startUnixNano { return nil }
                if let endUnixNano, start > endUnixNano { return nil }
                let spans = try reader.spans(of: id, chunks: chunks)
                var rows = spans.rows
                spans.complete(&rows, with: .attributesAndBytes)
                return rows
            }
            guard let rows, !rows.isEmpty else { return nil }
            return assemble(traceID: id, rows: rows)
        } catch {
            throw QueryError(.storage, "reading trace failed: \(error.message)")
        }
    }

    /// Spans ordered by start time (then span id), with the resources and scopes they use (indices rewritten).
    func assemble(traceID: [UInt8], rows: [Reader.SpanRow]) -> StoredTrace {
        let ordered = rows.sorted(by: Self.startOrder)
        return catalog.withLock { catalog in
            var resources: [SpanBatch.Resource] = []
            var scopes: [SpanBatch.Scope] = []
            var resourceIndex: [Int64: Int] = [:]
            var scopeIndex: [Int64: Int] = [:]
            var spans: [SpanBatch.Span] = []
            spans.reserveCapacity(ordered.count)
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

    /// A trace a search looks at.
    struct Candidate {
        var traceID: [UInt8]
        var start: UInt64
        var end: UInt64
        var rootService: String
        var rootName: String
        var chunks: [Int64]
    }

    static func startOrder(_ a: Reader.SpanRow, _ b: Reader.SpanRow) -> Bool {
        if a.span.startTimeUnixNano != b.span.startTimeUnixNano { return a.span.startTimeUnixNano < b.span.startTimeUnixNano }
        return a.span.spanID.lexicographicallyPrecedes(b.span.spanID)
    }

    /// Walks candidate traces newest first (latest start) by index: all traces, or with
    /// `serviceName` the traces whose service mask has that service's bit, within the time range and
    /// duration bounds. A candidate matches when one of its spans passes the service, span name and
    /// `spanFilter` tests; the filter sees each span's attributes and its resource (attributes
    /// decoded from the store's own encoding). Stops at `limit` matches or after
    /// `options.maxInspectedTraces` candidates or once `query.deadline` has passed (checked before
    /// each candidate). Matched spans come ordered by start, with
    /// attributes and bytes; `matched` counts all of them.
    public func searchTraces(_ query: TraceSearchQuery) throws(QueryError) -> [TraceSummary] {
        try checkReadable()
        guard query.limit > 0 else { return [] }
        let (resources, serviceCode) = catalog.withLock { catalog in
            (catalog.resources, query.serviceName.map { catalog.serviceCodes[$0] })
        }
        // A service never seen has no traces.
        if case .some(.none) = serviceCode { return [] }
        let serviceBit = serviceCode.flatMap { $0 }.map(Catalog.serviceBit) ?? 0
        // Taken before the read (see `trace(id:)`); a copy of the dictionary, not of its entries.
        let pendingState = pending.withLock { $0 }
        let unknown = SpanBatch.Resource(bytes: [], serviceName: "", attributes: [])
        do {
            return try readers.withReader { reader throws(SQLiteError) -> [TraceSummary] in
                let statement = reader.recentTraces
                defer { statement.reset() }
                let endBound = min(query.endUnixNano ?? Self.signedMax, Self.signedMax)
                let startBound = min(query.startUnixNano ?? 0, Self.signedMax)
                let minDuration = min(query.minDurationNanos ?? 0, Self.signedMax)
                let maxDuration = min(query.maxDurationNanos ?? Self.signedMax, Self.signedMax)
                try statement.bind(Int64(endBound), at: 1)
                try statement.bind(Int64(startBound), at: 2)
                try statement.bind(Int64(minDuration), at: 3)
                try statement.bind(Int64(maxDuration), at: 4)
                try statement.bind(serviceBit, at: 5)
                // Two sources newest first: pending summaries (complete) and the index, whose rows for
                // pending traces are older and skipped.
                let fresh = pendingState.candidates(
                    endBound: endBound, startBound: startBound, minDuration: minDuration, maxDuration: maxDuration, serviceBit: serviceBit)
                var nextFresh = 0
                var stored: Candidate?
                func nextStored() throws(SQLiteError) -> Candidate? {
                    while try statement.step() {
                        let traceID = statement.blob(at: 0)
                        if pendingState.traces[IDKey(traceID)] != nil { continue }
                        return Candidate(
                            traceID: traceID, start: UInt64(clamping: statement.int64(at: 1)), end: UInt64(clamping: statement.int64(at: 2)),
                            rootService: statement.text(at: 3), rootName: statement.text(at: 4),
                            chunks: statement.withBlob(at: 5, TraceChunkList.decode))
                    }
                    return nil
                }
                stored = try nextStored()
                var found: [TraceSummary] = []
                var inspected = 0
                while found.count < query.limit, inspected < options.maxInspectedTraces {
                    let candidate: Candidate
                    if nextFresh < fresh.count, stored.map({ fresh[nextFresh].start >= $0.start }) ?? true {
                        candidate = Candidate(fresh[nextFresh])
                        nextFresh += 1
                    } else if let next = stored {
                        candidate = next
                        stored = try nextStored()
                    } else {
                        break
                    }
                    if let deadline = query.deadline, ContinuousClock.now >= deadline { break }
                    inspected += 1
                    let spans = try reader.spans(of: candidate.traceID, chunks: candidate.chunks)
                    var candidates = spans.rows.filter { row in
                        if let service = query.serviceName, (resources[row.resourceID] ?? unknown).serviceName != service { return false }
                        if let name = query.spanName, row.span.name != name { return false }
                        return true
                    }
                    if let filter = query.spanFilter {
                        spans.complete(&candidates, with: .attributes)
                        candidates = candidates.filter { filter($0.span, resources[$0.resourceID] ?? unknown) }
                    }
                    guard !candidates.isEmpty else { continue }
                    candidates.sort(by: Self.startOrder)
                    var shown = Array(candidates.prefix(max(0, query.spansPerTrace)))
                    spans.complete(&shown, with: .attributesAndBytes)
                    found.append(TraceSummary(
                        traceID: candidate.traceID, rootServiceName: candidate.rootService, rootSpanName: candidate.rootName,
                        startTimeUnixNano: candidate.start,
                        durationNanos: candidate.end >= candidate.start ? candidate.end - candidate.start : 0,
                        matchedSpans: shown.map(\.span),
                        matchedSpanServices: shown.map { (resources[$0.resourceID] ?? unknown).serviceName },
                        matched: candidates.count))
                }
                return found
            }
        } catch {
            throw QueryError(.storage, "searching traces failed: \(error.message)")
        }
    }

    /// Keys ever seen in `scope` (since the store was created, until retention; the time range is
    /// not applied: the listing is not kept per time), sorted, at most `limit`.
    public func traceTagNames(
        scope: TraceAttributeScope, startUnixNano: UInt64?, endUnixNano: UInt64?, limit: Int
    ) throws(QueryError) -> [String] {
        let number = Catalog.scopeNumber(scope)
        let names = catalog.withLock { catalog in catalog.tagKeys.keys.filter { $0.scope == number }.map(\.key) }
        return Array(names.sorted().prefix(max(0, limit)))
    }

    /// Values seen for `key` (the time range is not applied), typed, sorted (by type, then text),
    /// at most `limit`; at most `options.maxTagValuesPerKey` distinct values are remembered per key
    /// and scope, and long strings, arrays, maps and bytes are not listed. Unscoped, the intrinsics
    /// `name` (span names), `status` (`error`, `ok`, `unset`) and `kind` (kinds seen) are answered.
    public func traceTagValues(
        _ key: String, scope: TraceAttributeScope?, startUnixNano: UInt64?, endUnixNano: UInt64?, limit: Int
    ) throws(QueryError) -> [SpanAttribute.Value] {
        let limit = max(0, limit)
        if scope == nil {
            switch key {
            case "name":
                let names = catalog.withLock { Set($0.operations.map(\.name)) }
                return names.sorted().prefix(limit).map { .string($0) }
            case "status":
                return ["error", "ok", "unset"].prefix(limit).map { .string($0) }
            case "kind":
                let kinds = catalog.withLock { Set($0.operations.map(\.kind)) }
                let names = ["unspecified", "internal", "server", "client", "producer", "consumer"]
                return kinds.sorted().compactMap { $0 >= 0 && $0 < 6 ? .string(names[Int($0)]) : nil }.prefix(limit).map { $0 }
            default: break
            }
        }
        let number = scope.map(Catalog.scopeNumber)
        let values = catalog.withLock { catalog in
            catalog.tagValues.filter { $0.key == key && (number == nil || $0.scope == number) }
        }
        var typed = values.map { (Catalog.stored($0.value).type, $0.value) }
        typed.sort { a, b in a.0 != b.0 ? a.0 < b.0 : Self.valueOrder(a.1, b.1) }
        var seen = Set<SpanAttribute.Value>()
        return typed.map(\.1).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    static func valueOrder(_ a: SpanAttribute.Value, _ b: SpanAttribute.Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x < y
        case (.int(let x), .int(let y)): return x < y
        case (.double(let x), .double(let y)): return x < y
        case (.bool(let x), .bool(let y)): return !x && y
        default: return false
        }
    }

    /// Service names of stored spans (kept until the store is deleted; retention does not prune
    /// listings), sorted.
    public func traceServices() throws(QueryError) -> [String] {
        catalog.withLock { Set($0.operations.map(\.service)) }.sorted()
    }

    public func traceOperations(service: String) throws(QueryError) -> [(name: String, kind: Int32)] {
        catalog.withLock { $0.operations.filter { $0.service == service } }
            .sorted { ($0.name, $0.kind) < ($1.name, $1.kind) }
            .map { ($0.name, $0.kind) }
    }
}

extension TraceStore.Candidate {
    init(_ summary: PendingTraces.Summary) {
        self.init(
            traceID: summary.traceID, start: summary.start, end: summary.end, rootService: summary.rootService ?? "",
            rootName: summary.rootName, chunks: summary.chunks)
    }
}
