import PivotIngest
import PivotStorage
import Synchronization

/// What the HTTP handlers serve from: the insert path and the readers. Available once storage is
/// open and recovered; before that handlers answer 503.
public struct Backend: Sendable {
    public var ingestor: Ingestor
    public var queryable: any Queryable
    public var exemplars: any ExemplarQueryable
    public var metadata: any MetadataQueryable
    /// Cardinality statistics for `/api/v1/status/tsdb`; nil when the store has none.
    public var stats: (any HeadStatsProvider)?
    /// The trace store's readers; nil when there is none (trace APIs answer 503).
    public var traces: (any TraceQueryable)?
    /// The trace store's writer; nil when there is none (trace exports answer 503).
    public var traceWriter: (any TraceAppendable)?

    public init(
        ingestor: Ingestor, queryable: any Queryable, exemplars: any ExemplarQueryable, metadata: any MetadataQueryable,
        stats: (any HeadStatsProvider)? = nil, traces: (any TraceQueryable)? = nil, traceWriter: (any TraceAppendable)? = nil
    ) {
        self.traces = traces
        self.traceWriter = traceWriter
        self.ingestor = ingestor
        self.queryable = queryable
        self.exemplars = exemplars
        self.metadata = metadata
        self.stats = stats
    }
}

/// Holds the backend once it exists; handlers read it per request.
public final class BackendSlot: Sendable {
    private let backend = Mutex<Backend?>(nil)

    public init(_ initial: Backend? = nil) {
        backend.withLock { $0 = initial }
    }

    public var current: Backend? { backend.withLock { $0 } }

    public func set(_ value: Backend?) { backend.withLock { $0 = value } }
}
