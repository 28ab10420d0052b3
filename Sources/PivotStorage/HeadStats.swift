/// Cardinality figures of the store, as `/api/v1/status/tsdb` reports them.
public struct HeadStats: Sendable, Hashable {
    /// A name (metric name, label name or `name=value` pair) and a count.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var value: Int

        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }

    public var numSeries: Int
    /// Distinct label name/value pairs.
    public var numLabelPairs: Int
    /// Samples held in memory (open and not yet persisted chunks).
    public var numSamples: Int
    /// Chunks held in memory.
    public var chunkCount: Int
    /// Oldest and newest sample time over all series, milliseconds; nil when the store is empty.
    public var minTime: Int64?
    public var maxTime: Int64?
    /// The top entries, largest first (ties by name).
    public var seriesCountByMetricName: [Entry]
    public var labelValueCountByLabelName: [Entry]
    /// For each label name, the bytes of its values summed over the series that carry them.
    public var memoryInBytesByLabelName: [Entry]
    public var seriesCountByLabelValuePair: [Entry]

    public init(
        numSeries: Int, numLabelPairs: Int, numSamples: Int, chunkCount: Int, minTime: Int64?, maxTime: Int64?,
        seriesCountByMetricName: [Entry], labelValueCountByLabelName: [Entry], memoryInBytesByLabelName: [Entry],
        seriesCountByLabelValuePair: [Entry]
    ) {
        self.numSeries = numSeries
        self.numLabelPairs = numLabelPairs
        self.numSamples = numSamples
        self.chunkCount = chunkCount
        self.minTime = minTime
        self.maxTime = maxTime
        self.seriesCountByMetricName = seriesCountByMetricName
        self.labelValueCountByLabelName = labelValueCountByLabelName
        self.memoryInBytesByLabelName = memoryInBytesByLabelName
        self.seriesCountByLabelValuePair = seriesCountByLabelValuePair
    }
}

/// Reports cardinality statistics for `/api/v1/status/tsdb`.
public protocol HeadStatsProvider: Sendable {
    /// Statistics with at most `limit` entries in each top list.
    func headStats(limit: Int) -> HeadStats
}
