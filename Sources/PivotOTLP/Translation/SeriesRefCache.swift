#if canImport(Glibc)
import Glibc
#endif
import PivotModel
import Synchronization

/// The store's series references of OTLP point streams, kept across export requests.
///
/// An exporter sends the same streams (resource, metric, attributes) every interval. Translating a
/// stream's labels and looking its series up by them is most of the cost of ingesting its point;
/// with the references the store handed out the first time (`AppendResult.seriesRefs`), later
/// points go to the store by reference (`WriteBatch.Series.seriesRef`) and skip both.
///
/// Streams are keyed by exact bytes (`StreamKeys`), never by `String` equality (which would equate
/// canonically equivalent but different names), so a hit always names the series the full
/// translation would produce. A reference that went stale (retention removed its series) makes the
/// store refuse the batch; the receiver then forgets every reference and sends the request by labels.
///
/// At most `capacity` streams are kept; at the limit, the cache starts over empty.
public final class SeriesRefCache: Sendable {
    /// The most streams kept (`--otlp.stream-cache-size`); 0 turns the cache off.
    public let capacity: Int
    private let state = Mutex(State())

    struct State {
        /// Streams by metric key, then by point key: the references of the series the point became.
        var metrics: [StreamKey: [StreamKey: [UInt64]]] = [:]
        var count = 0
    }

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Streams kept.
    public var count: Int { state.withLock { $0.count } }

    /// The streams of one metric, as a copy that shares storage (nothing is copied unless the cache
    /// changes while it is held).
    func streams(of metricKey: StreamKey) -> [StreamKey: [UInt64]] {
        state.withLock { $0.metrics[metricKey] ?? [:] }
    }

    /// Records the references the store gave for the streams a translation wrote by labels.
    /// `seriesRefs` is `AppendResult.seriesRefs` of that translation's batch.
    func remember(_ streams: NewStreams, seriesRefs: [UInt64]) {
        guard capacity > 0, !streams.entries.isEmpty else { return }
        state.withLock { state in
            for entry in streams.entries where entry.series.upperBound <= seriesRefs.count {
                let refs = Array(seriesRefs[entry.series])
                guard !refs.contains(0) else { continue }
                if state.count >= capacity {
                    state.metrics.removeAll()
                    state.count = 0
                }
                let metricKey = streams.metricKeys[entry.metric]
                if state.metrics[metricKey, default: [:]].updateValue(refs, forKey: entry.key) == nil {
                    state.count += 1
                }
            }
        }
    }

    /// Forgets every reference (after the store refused one).
    public func removeAll() {
        state.withLock { state in
            state.metrics.removeAll()
            state.count = 0
        }
    }
}

/// The point streams a translation wrote by labels, with the batch series each became: what to
/// remember once the store answers with references.
struct NewStreams: Sendable {
    var metricKeys: [StreamKey] = []
    var entries: [(metric: Int, key: StreamKey, series: Range<Int>)] = []
}

/// Bytes as a dictionary key, hashed as one buffer rather than byte by byte.
struct StreamKey: Hashable, Sendable {
    var bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: StreamKey, rhs: StreamKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count
            && lhs.bytes.withUnsafeBytes { a in rhs.bytes.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
    }
}

/// One metric's known streams during a translation: looks points up, and notes the ones written by
/// labels so their references can be remembered.
struct KnownStreams {
    let metricKey: StreamKey
    private let known: [StreamKey: [UInt64]]
    /// The key of the point last looked up, and whether it could be keyed at all.
    private var key = StreamKey(bytes: [])
    private var keyed = false
    private var metricIndex: Int?

    init(_ cache: SeriesRefCache, metricKey: [UInt8]) {
        self.metricKey = StreamKey(bytes: metricKey)
        known = cache.streams(of: self.metricKey)
        key.bytes.reserveCapacity(96)
    }

    /// The store's references of a point's series, looked up by its attributes plus whatever `suffix`
    /// adds to its key (for histograms, what decides which series a point becomes); nil when unknown.
    mutating func find(_ attributes: [OTLPAttribute], suffix: (inout [UInt8]) -> Void = { _ in }) -> [UInt64]? {
        key.bytes.removeAll(keepingCapacity: true)
        keyed = StreamKeys.append(attributes, into: &key.bytes)
        guard keyed else { return nil }
        suffix(&key.bytes)
        return known.isEmpty ? nil : known[key]
    }

    /// Notes that the point last looked up became the batch series `series` (by labels).
    mutating func recordMiss(series: Range<Int>, into new: inout NewStreams) {
        guard keyed, !series.isEmpty else { return }
        let index: Int
        if let metricIndex {
            index = metricIndex
        } else {
            index = new.metricKeys.count
            new.metricKeys.append(metricKey)
            metricIndex = index
        }
        new.entries.append((index, key, series))
    }
}

/// Exact byte keys of point streams. Strings are length-prefixed UTF-8, numbers their bit patterns,
/// so two keys are equal only when the translation's inputs are identical byte for byte.
enum StreamKeys {
    /// What a stream's series look like, so a key of one shape never serves another.
    enum Shape: UInt8 {
        case number = 1
        case histogram = 2
    }

    /// The key of a metric in a resource and scope: the resource's and scope's labels, the
    /// translated metric name and the shape.
    static func metric(context: ResourceContext, name: String, shape: Shape) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(128)
        key.append(shape.rawValue)
        append(name, into: &key)
        appendCount(context.underlay.count, into: &key)
        for label in context.underlay {
            append(label.name, into: &key)
            append(label.value, into: &key)
        }
        appendCount(context.overlay.count, into: &key)
        for label in context.overlay {
            append(label.name, into: &key)
            append(label.value, into: &key)
        }
        return key
    }

    /// Appends a point's attributes to `key`; false (and `key` unusable) when one has a value the
    /// key does not cover (arrays and key-value lists: such points are translated every time).
    static func append(_ attributes: [OTLPAttribute], into key: inout [UInt8]) -> Bool {
        appendCount(attributes.count, into: &key)
        for attribute in attributes {
            append(attribute.key, into: &key)
            switch attribute.value {
            case .empty:
                key.append(0)
            case .string(let value):
                key.append(1)
                append(value, into: &key)
            case .bool(let value):
                key.append(value ? 3 : 2)
            case .int(let value):
                key.append(4)
                appendWord(UInt64(bitPattern: value), into: &key)
            case .double(let value):
                key.append(5)
                appendWord(value.bitPattern, into: &key)
            case .bytes(let value):
                key.append(6)
                appendCount(value.count, into: &key)
                key.append(contentsOf: value)
            case .array, .keyValueList:
                return false
            }
        }
        return true
    }

    @inline(__always)
    static func append(_ string: String, into key: inout [UInt8]) {
        let utf8 = string.utf8
        let done: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            appendCount(bytes.count, into: &key)
            key.append(contentsOf: bytes)
        }
        if done == nil {
            appendCount(utf8.count, into: &key)
            key.append(contentsOf: utf8)
        }
    }

    @inline(__always)
    static func appendCount(_ count: Int, into key: inout [UInt8]) {
        var value = UInt(count)
        while value >= 0x80 {
            key.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        key.append(UInt8(value))
    }

    @inline(__always)
    static func appendWord(_ word: UInt64, into key: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { key.append(contentsOf: $0) }
    }
}
