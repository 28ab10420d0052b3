import PivotModel

/// Stores spans: the trace store, or an in-memory one in tests. When `append` returns, the spans are
/// durable (they survive `kill -9`); spans whose trace and span id are already stored replace nothing
/// and are skipped (a retried export), so partial traces sent in several requests merge into one.
public protocol TraceAppendable: Sendable {
    func append(_ batch: SpanBatch) async throws(AppendError) -> TraceAppendResult
}

public struct TraceAppendResult: Hashable, Sendable {
    public var spansWritten: Int
    /// Spans skipped because their (trace id, span id) was already stored.
    public var duplicateSpans: Int

    public init(spansWritten: Int = 0, duplicateSpans: Int = 0) {
        self.spansWritten = spansWritten
        self.duplicateSpans = duplicateSpans
    }
}

/// A stored trace: its spans with the resources and scopes they reference, as stored (bytes intact).
/// `spans[i].resource` and `.scope` index `resources` and `scopes`. Spans are ordered by start time.
public struct StoredTrace: Sendable, Hashable {
    public var traceID: [UInt8]
    public var resources: [SpanBatch.Resource]
    public var scopes: [SpanBatch.Scope]
    public var spans: [SpanBatch.Span]

    public init(traceID: [UInt8], resources: [SpanBatch.Resource], scopes: [SpanBatch.Scope], spans: [SpanBatch.Span]) {
        self.traceID = traceID
        self.resources = resources
        self.scopes = scopes
        self.spans = spans
    }
}

/// A trace search: time range, duration bounds, service and span name, and a span predicate (tags or
/// a TraceQL spanset filter) that at least one span of a matching trace must satisfy.
public struct TraceSearchQuery: Sendable {
    /// Traces overlapping `[start, end]` (nanoseconds since the epoch, inclusive); nil is unbounded.
    public var startUnixNano: UInt64?
    public var endUnixNano: UInt64?
    /// Bounds on the trace's duration (first span start to last span end), nanoseconds, inclusive.
    public var minDurationNanos: UInt64?
    public var maxDurationNanos: UInt64?
    /// Only spans of this service (`service.name`) can match, when set.
    public var serviceName: String?
    /// Only spans of this name can match, when set.
    public var spanName: String?
    /// The predicate a span must satisfy to match, with its resource; nil accepts every span.
    public var spanFilter: (@Sendable (SpanBatch.Span, SpanBatch.Resource) -> Bool)?
    /// Most traces returned, newest first. Default 20 (Tempo's).
    public var limit: Int
    /// Most matched spans reported per trace. Default 3 (Tempo's `spss`).
    public var spansPerTrace: Int
    /// When set, the search inspects no further candidate trace once this instant has passed and
    /// returns what it found (the trace being inspected is finished). Default nil (no time bound).
    public var deadline: ContinuousClock.Instant?

    public init(
        startUnixNano: UInt64? = nil, endUnixNano: UInt64? = nil, minDurationNanos: UInt64? = nil,
        maxDurationNanos: UInt64? = nil, serviceName: String? = nil, spanName: String? = nil,
        spanFilter: (@Sendable (SpanBatch.Span, SpanBatch.Resource) -> Bool)? = nil, limit: Int = 20, spansPerTrace: Int = 3
    ) {
        self.startUnixNano = startUnixNano
        self.endUnixNano = endUnixNano
        self.minDurationNanos = minDurationNanos
        self.maxDurationNanos = maxDurationNanos
        self.serviceName = serviceName
        self.spanName = spanName
        self.spanFilter = spanFilter
        self.limit = limit
        self.spansPerTrace = spansPerTrace
    }
}

/// One trace found by a search.
public struct TraceSummary: Sendable, Hashable {
    public var traceID: [UInt8]
    /// Service and name of the root span (no parent); "" when the root has not arrived.
    public var rootServiceName: String
    public var rootSpanName: String
    public var startTimeUnixNano: UInt64
    public var durationNanos: UInt64
    /// Up to `spansPerTrace` matching spans (with their resource's service name) and how many matched.
    public var matchedSpans: [SpanBatch.Span]
    /// The service name of each of `matchedSpans` (same order), or empty when not known.
    public var matchedSpanServices: [String]
    public var matched: Int

    public init(
        traceID: [UInt8], rootServiceName: String, rootSpanName: String, startTimeUnixNano: UInt64, durationNanos: UInt64,
        matchedSpans: [SpanBatch.Span], matchedSpanServices: [String] = [], matched: Int
    ) {
        self.matchedSpanServices = matchedSpanServices
        self.traceID = traceID
        self.rootServiceName = rootServiceName
        self.rootSpanName = rootSpanName
        self.startTimeUnixNano = startTimeUnixNano
        self.durationNanos = durationNanos
        self.matchedSpans = matchedSpans
        self.matched = matched
    }
}

/// Where an attribute lives, for tag listings (Tempo's scopes).
public enum TraceAttributeScope: String, Sendable, Hashable, CaseIterable {
    case resource, span
}

/// Reads traces.
public protocol TraceQueryable: Sendable {
    /// The trace with this 16-byte id, optionally only if it overlaps `[start, end]` (nanoseconds); nil when unknown.
    func trace(id: [UInt8], startUnixNano: UInt64?, endUnixNano: UInt64?) throws(QueryError) -> StoredTrace?
    /// Traces matching `query`, newest (latest start) first.
    func searchTraces(_ query: TraceSearchQuery) throws(QueryError) -> [TraceSummary]
    /// Attribute keys seen in `scope` for spans in the time range (nanoseconds, nil = unbounded), sorted, at most `limit`.
    func traceTagNames(scope: TraceAttributeScope, startUnixNano: UInt64?, endUnixNano: UInt64?, limit: Int) throws(QueryError) -> [String]
    /// Values seen for attribute `key` in `scope`, sorted, at most `limit`. `service.name` is a resource tag;
    /// the intrinsics `name` (span name), `status` and `kind` are answered too.
    func traceTagValues(
        _ key: String, scope: TraceAttributeScope?, startUnixNano: UInt64?, endUnixNano: UInt64?, limit: Int
    ) throws(QueryError) -> [SpanAttribute.Value]
    /// Service names, sorted.
    func traceServices() throws(QueryError) -> [String]
    /// Span names and kinds of a service, sorted by name.
    func traceOperations(service: String) throws(QueryError) -> [(name: String, kind: Int32)]
}
