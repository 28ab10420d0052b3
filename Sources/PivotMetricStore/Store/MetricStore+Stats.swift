import Synchronization
import Metrics
import PivotModel
import PivotStorage

extension MetricStore: HeadStatsProvider {
    /// Cardinality figures for `/api/v1/status/tsdb`, each list cut to the `limit` largest entries.
    public func headStats(limit: Int = 10) -> HeadStats {
        var numSeries = 0
        var numSamples = 0
        var chunkCount = 0
        var minTime = Int64.max
        var maxTime = Int64.min
        head.forEachSeries { series in
            numSeries += 1
            numSamples += series.memorySampleCount
            chunkCount += series.memoryChunkCount
            let oldest = series.oldestTime
            if oldest != .max {
                minTime = min(minTime, oldest)
                maxTime = max(maxTime, series.newestTime)
            }
        }
        let labels = index.state.withLock { $0.labels }
        var byMetric: [HeadStats.Entry] = []
        var valueCounts: [HeadStats.Entry] = []
        var memory: [HeadStats.Entry] = []
        var pairs: [HeadStats.Entry] = []
        var numLabelPairs = 0
        for (name, values) in labels {
            numLabelPairs += values.count
            valueCounts.append(.init(name: name.string, value: values.count))
            var bytes = 0
            for (value, ids) in values {
                bytes += value.string.utf8.count * ids.count
                pairs.append(.init(name: "\(name.string)=\(value.string)", value: ids.count))
                if name.string == Label.metricName { byMetric.append(.init(name: value.string, value: ids.count)) }
            }
            memory.append(.init(name: name.string, value: bytes))
        }
        return HeadStats(
            numSeries: numSeries, numLabelPairs: numLabelPairs, numSamples: numSamples, chunkCount: chunkCount,
            minTime: minTime == .max ? nil : minTime, maxTime: maxTime == .min ? nil : maxTime,
            seriesCountByMetricName: Self.top(byMetric, limit), labelValueCountByLabelName: Self.top(valueCounts, limit),
            memoryInBytesByLabelName: Self.top(memory, limit), seriesCountByLabelValuePair: Self.top(pairs, limit))
    }

    private static func top(_ entries: [HeadStats.Entry], _ limit: Int) -> [HeadStats.Entry] {
        Array(entries.sorted { $0.value != $1.value ? $0.value > $1.value : $0.name < $1.name }.prefix(max(limit, 0)))
    }
}
