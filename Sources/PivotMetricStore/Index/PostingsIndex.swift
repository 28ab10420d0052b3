import PivotModel
import Synchronization

/// The inverted index: label name → label value → postings (sorted series ids), plus the postings
/// of all series. Keys compare by UTF-8 bytes.
struct PostingsIndex: Sendable {
    var labels: [IndexKey: [IndexKey: [SeriesID]]] = [:]
    var all: [SeriesID] = []

    mutating func add(_ id: SeriesID, labelBytes: [UInt8]) {
        Postings.insert(id, into: &all)
        labelBytes.withUnsafeBytes { raw in
            _ = LabelSetEncoding.forEachPair(raw) { name, value in
                let nameKey = IndexKey(String(decoding: name, as: UTF8.self))
                let valueKey = IndexKey(String(decoding: value, as: UTF8.self))
                Postings.insert(id, into: &labels[nameKey, default: [:]][valueKey, default: []])
            }
        }
    }

    /// Removes series (`ids` sorted, with their label encodings).
    mutating func remove(_ removed: [(id: SeriesID, labelBytes: [UInt8])]) {
        guard !removed.isEmpty else { return }
        var byPair: [IndexKey: [IndexKey: [SeriesID]]] = [:]
        for (id, labelBytes) in removed {
            labelBytes.withUnsafeBytes { raw in
                _ = LabelSetEncoding.forEachPair(raw) { name, value in
                    byPair[IndexKey(String(decoding: name, as: UTF8.self)), default: [:]][
                        IndexKey(String(decoding: value, as: UTF8.self)), default: []
                    ].append(id)
                }
            }
        }
        for (name, values) in byPair {
            guard var existing = labels[name] else { continue }
            for (value, ids) in values {
                guard var list = existing[value] else { continue }
                Postings.remove(ids.sorted(), from: &list)
                existing[value] = list.isEmpty ? nil : list
            }
            labels[name] = existing.isEmpty ? nil : existing
        }
        Postings.remove(removed.map(\.id).sorted(), from: &all)
    }
}

/// The index shared by appenders (adding series) and queriers (resolving matchers).
final class SeriesIndex: Sendable {
    let state = Mutex(PostingsIndex())

    func add(_ series: [(id: SeriesID, labelBytes: [UInt8])]) {
        guard !series.isEmpty else { return }
        state.withLock { index in
            for entry in series { index.add(entry.id, labelBytes: entry.labelBytes) }
        }
    }

    func remove(_ series: [(id: SeriesID, labelBytes: [UInt8])]) {
        state.withLock { $0.remove(series) }
    }

    /// The values of label `name` with their postings (a copy-on-write snapshot).
    func values(of name: String) -> [IndexKey: [SeriesID]] {
        state.withLock { $0.labels[IndexKey(name)] ?? [:] }
    }

    var allPostings: [SeriesID] { state.withLock { $0.all } }

    /// Label names, unsorted.
    var names: [String] { state.withLock { $0.labels.keys.map(\.string) } }
}
