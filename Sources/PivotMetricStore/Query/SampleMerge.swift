import PivotModel

/// Merging of sorted sample lists from the different places a series keeps data.
enum SampleMerge {
    /// Merges lists that are each sorted by time into one sorted list with unique timestamps; on equal
    /// timestamps the sample of the earlier list wins.
    static func merge(_ lists: [[Sample]]) -> [Sample] {
        let nonEmpty = lists.filter { !$0.isEmpty }
        guard var result = nonEmpty.first else { return [] }
        for list in nonEmpty.dropFirst() {
            if let last = result.last, let first = list.first, last.timestamp < first.timestamp {
                result.append(contentsOf: list)
            } else {
                result = mergeTwo(result, list)
            }
        }
        return result
    }

    private static func mergeTwo(_ a: [Sample], _ b: [Sample]) -> [Sample] {
        var result: [Sample] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i].timestamp < b[j].timestamp {
                result.append(a[i])
                i += 1
            } else if a[i].timestamp > b[j].timestamp {
                result.append(b[j])
                j += 1
            } else {
                result.append(a[i])
                i += 1
                j += 1
            }
        }
        result.append(contentsOf: a[i...])
        result.append(contentsOf: b[j...])
        return result
    }

    /// The same for native histograms.
    static func merge(_ lists: [[HistogramSample]]) -> [HistogramSample] {
        let nonEmpty = lists.filter { !$0.isEmpty }
        guard var result = nonEmpty.first else { return [] }
        for list in nonEmpty.dropFirst() {
            var merged: [HistogramSample] = []
            merged.reserveCapacity(result.count + list.count)
            var i = 0
            var j = 0
            while i < result.count && j < list.count {
                if result[i].timestamp < list[j].timestamp {
                    merged.append(result[i])
                    i += 1
                } else if result[i].timestamp > list[j].timestamp {
                    merged.append(list[j])
                    j += 1
                } else {
                    merged.append(result[i])
                    i += 1
                    j += 1
                }
            }
            merged.append(contentsOf: result[i...])
            merged.append(contentsOf: list[j...])
            result = merged
        }
        return result
    }
}
