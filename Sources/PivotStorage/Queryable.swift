import PivotModel

/// Something that answers reads over a time range: the metric store, or an in-memory store in tests.
public protocol Queryable: Sendable {
    /// A querier over `[mint, maxt]`, milliseconds, both inclusive.
    func querier(mint: Int64, maxt: Int64) throws(QueryError) -> any Querier
}

/// What the caller of a select needs, so a store can do less (Prometheus's select hints, in spirit).
/// A store may ignore every hint: the answer without them is always correct.
public struct SelectHints: Hashable, Sendable {
    /// Series in label order. False: any order, for a caller that combines the series (an
    /// aggregation) and whose answer cannot depend on their order.
    public var sorted: Bool
    /// Only each series' newest sample in the range is needed (an instant selector, where every step
    /// looks at the same time): the store may return just that sample, or more.
    public var latestOnly: Bool
    /// Only each series' newest sample at or before each of the times `start`, `start + interval`, …
    /// is needed (an instant selector over a range query's steps, where each step reads the newest
    /// sample it sees): the store may return just those samples, or more. Nil: every sample.
    public var steps: Steps?

    /// Evenly spaced times, milliseconds.
    public struct Steps: Hashable, Sendable {
        public var start: Int64
        /// Greater than zero.
        public var interval: Int64

        public init(start: Int64, interval: Int64) {
            self.start = start
            self.interval = interval
        }
    }

    public init(sorted: Bool = true, latestOnly: Bool = false, steps: Steps? = nil) {
        self.sorted = sorted
        self.latestOnly = latestOnly
        self.steps = steps
    }
}

/// Reads series, samples and label values in the querier's time range.
public protocol Querier: Sendable {
    /// Series matching every matcher (at least one matcher must not match the empty string), with their
    /// float samples and native histograms in the range, in ascending time order. Series come back
    /// sorted by labels unless the hints allow any order; every series with data in the range comes
    /// back, with at least its newest sample in the range.
    func select(_ matchers: [LabelMatcher], hints: SelectHints) throws(QueryError) -> [SeriesSamples]
    /// Label sets of series matching every matcher and having data in the range, sorted.
    func series(_ matchers: [LabelMatcher]) throws(QueryError) -> [Labels]
    /// Label names of series matching the matchers (all series when empty), sorted.
    func labelNames(_ matchers: [LabelMatcher]) throws(QueryError) -> [String]
    /// Values of label `name` in series matching the matchers (all series when empty), sorted.
    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(QueryError) -> [String]
}

extension Querier {
    /// Every sample of every matching series in the range, sorted by labels.
    public func select(_ matchers: [LabelMatcher]) throws(QueryError) -> [SeriesSamples] {
        try select(matchers, hints: SelectHints())
    }
}

/// One series and its data in a querier's range.
public struct SeriesSamples: Hashable, Sendable {
    public var labels: Labels
    public var samples: [Sample]
    public var histograms: [HistogramSample]

    public init(labels: Labels, samples: [Sample], histograms: [HistogramSample] = []) {
        self.labels = labels
        self.samples = samples
        self.histograms = histograms
    }
}

/// Reads exemplars.
public protocol ExemplarQueryable: Sendable {
    /// Exemplars of series matching any of the matcher sets, with timestamps in `[mint, maxt]`
    /// (milliseconds, inclusive), grouped by series and sorted by time.
    func exemplars(_ matcherSets: [[LabelMatcher]], mint: Int64, maxt: Int64) throws(QueryError) -> [SeriesExemplars]
}

public struct SeriesExemplars: Hashable, Sendable {
    public var seriesLabels: Labels
    public var exemplars: [Exemplar]

    public init(seriesLabels: Labels, exemplars: [Exemplar]) {
        self.seriesLabels = seriesLabels
        self.exemplars = exemplars
    }
}

/// Reads metric metadata.
public protocol MetadataQueryable: Sendable {
    /// Metadata by metric family name; only `metric` when given; at most `limit` families and
    /// `limitPerMetric` entries each when given.
    func metadata(metric: String?, limit: Int?, limitPerMetric: Int?) -> [String: [MetricMetadata]]
}

/// Why a read failed.
public struct QueryError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(name: String) { self.name = name }
        public var description: String { name }

        public static let badMatchers = Code(name: "bad_matchers")
        public static let tooManySamples = Code(name: "too_many_samples")
        public static let canceled = Code(name: "canceled")
        public static let storage = Code(name: "storage")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
