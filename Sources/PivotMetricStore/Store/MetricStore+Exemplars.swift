import PivotSQLite
import Synchronization
import Metrics
import PivotModel
import PivotStorage

extension MetricStore: ExemplarQueryable {
    public func exemplars(_ matcherSets: [[LabelMatcher]], mint: Int64, maxt: Int64) throws(QueryError) -> [SeriesExemplars] {
        guard isReady else { throw QueryError(.storage, "the metric store is not ready (\(readiness))") }
        var idLists: [[SeriesID]] = []
        for matchers in matcherSets where !matchers.isEmpty {
            idLists.append(index.postings(for: matchers))
        }
        let ids = Postings.union(idLists)
        guard !ids.isEmpty else { return [] }
        var labelsByID: [SeriesID: [UInt8]] = [:]
        head.forEachSeries(ids) { series in labelsByID[series.id] = series.labelBytes }
        let wanted = Set(ids)
        var byID: [SeriesID: [StoredExemplar]] = [:]
        for exemplar in exemplarBuffer.withLock({ $0 })
        where wanted.contains(exemplar.series) && exemplar.timestamp >= mint && exemplar.timestamp <= maxt {
            byID[exemplar.series, default: []].append(exemplar)
        }
        do {
            try readers.withConnection { connection in
                for id in ids where labelsByID[id] != nil {
                    do throws(SQLiteError) {
                        let stored = try connection.exemplars(of: id, mint: mint, maxt: maxt)
                        if !stored.isEmpty { byID[id, default: []].append(contentsOf: stored) }
                    } catch {
                        throw QueryError(.storage, "cannot read exemplars: \(error.message)")
                    }
                }
            }
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.storage, "cannot read the metric database: \(error)")
        }
        var result: [SeriesExemplars] = []
        for (id, list) in byID {
            guard let labelBytes = labelsByID[id], let labels = LabelSetEncoding.decode(labelBytes) else { continue }
            var unique: [StoredExemplar] = []
            var seen = Set<StoredExemplar>()
            for exemplar in list.sorted(by: { $0.timestamp < $1.timestamp }) where seen.insert(exemplar).inserted {
                unique.append(exemplar)
            }
            result.append(SeriesExemplars(seriesLabels: labels, exemplars: unique.map(\.exemplar)))
        }
        result.sort { $0.seriesLabels < $1.seriesLabels }
        return result
    }
}

extension MetricStore: MetadataQueryable {
    /// Metadata by metric family name: one entry per family (the latest received). At most `limit`
    /// families (by name order) when it is given and not negative, and at most `limitPerMetric`
    /// entries each likewise.
    public func metadata(metric: String?, limit: Int?, limitPerMetric: Int?) -> [String: [MetricMetadata]] {
        let all = metadataState.withLock { $0.byMetric }
        var names: [String]
        if let metric {
            names = all[metric] == nil ? [] : [metric]
        } else {
            names = all.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        if let limit, limit >= 0, names.count > limit { names = Array(names.prefix(limit)) }
        var result: [String: [MetricMetadata]] = [:]
        for name in names {
            guard let entry = all[name] else { continue }
            if let limitPerMetric, limitPerMetric >= 0 {
                result[name] = Array([entry].prefix(limitPerMetric))
            } else {
                result[name] = [entry]
            }
        }
        return result
    }
}
