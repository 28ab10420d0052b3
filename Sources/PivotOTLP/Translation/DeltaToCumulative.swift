import PivotModel
import Synchronization

/// Turns delta-temporality points into cumulative ones, per series, so they can be stored and queried
/// like counters (`rate`, `increase`, `histogram_quantile` over `rate`).
///
/// Rules, per stream (a translated series; for a histogram its series without `le`):
/// - The first point starts the stream: its cumulative value is the point's delta, and the stream's
///   start time is the point's start time (or its time when the start is unset).
/// - A point whose time is not after the stream's last time, or whose start time is before the stream's
///   last time (overlapping intervals), is rejected: it is out of order or a retry of a point already
///   added. Adding it twice would count it twice.
/// - Any other point is added, including after a gap (start time after the last time).
/// - A histogram whose bucket bounds change starts the stream again from that point (a counter reset).
///   Exponential histograms of different scales are merged at the smaller scale.
/// - A point flagged `NO_RECORDED_VALUE` ends the stream.
/// - Streams idle for longer than `Limits.idleTimeoutMilliseconds` are forgotten; a stream that comes
///   back later starts again, which queries see as a counter reset. The state lives in memory only, so
///   a restart is a reset too.
/// - At most `Limits.maxStreams` streams are kept; points of new streams past it are rejected.
public final class DeltaToCumulative: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Streams kept at once. Default 1,000,000.
        public var maxStreams: Int
        /// A stream not updated for this long is dropped, in milliseconds of wall time. Default 1 hour.
        public var idleTimeoutMilliseconds: Int64

        public init(maxStreams: Int = 1_000_000, idleTimeoutMilliseconds: Int64 = 3_600_000) {
            self.maxStreams = maxStreams
            self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        }
    }

    /// A running total.
    public enum Value: Sendable, Hashable {
        case number(Double)
        case histogram(count: UInt64, sum: Double, bounds: [Double], buckets: [UInt64])
        case exponential(ExponentialTotal)
    }

    /// The running total of an exponential histogram: bucket counts keyed by OTLP bucket index at `scale`.
    public struct ExponentialTotal: Sendable, Hashable {
        public var scale: Int32
        public var count: UInt64
        public var sum: Double
        public var zeroCount: UInt64
        public var zeroThreshold: Double
        public var positive: [Int32: UInt64]
        public var negative: [Int32: UInt64]

        public init(
            scale: Int32, count: UInt64, sum: Double, zeroCount: UInt64, zeroThreshold: Double,
            positive: [Int32: UInt64], negative: [Int32: UInt64]
        ) {
            self.scale = scale
            self.count = count
            self.sum = sum
            self.zeroCount = zeroCount
            self.zeroThreshold = zeroThreshold
            self.positive = positive
            self.negative = negative
        }

        /// The same counts at a smaller scale (`newScale <= scale`): `2^(scale-newScale)` buckets merge into one.
        public func downscaled(to newScale: Int32) -> ExponentialTotal {
            guard newScale < scale else { return self }
            let shift = Int32(scale - newScale)
            var copy = self
            copy.scale = newScale
            copy.positive = Self.merge(positive, shift: shift)
            copy.negative = Self.merge(negative, shift: shift)
            return copy
        }

        static func merge(_ buckets: [Int32: UInt64], shift: Int32) -> [Int32: UInt64] {
            var merged: [Int32: UInt64] = [:]
            for (index, count) in buckets { merged[index >> shift, default: 0] &+= count }
            return merged
        }

        mutating func add(_ other: ExponentialTotal) {
            let scale = min(self.scale, other.scale)
            self = downscaled(to: scale)
            let other = other.downscaled(to: scale)
            count &+= other.count
            sum += other.sum
            zeroCount &+= other.zeroCount
            zeroThreshold = max(zeroThreshold, other.zeroThreshold)
            for (index, value) in other.positive { positive[index, default: 0] &+= value }
            for (index, value) in other.negative { negative[index, default: 0] &+= value }
        }
    }

    /// The outcome for one point: its cumulative value and the stream's start, or why it was rejected.
    public enum Outcome: Sendable {
        case cumulative(Value, startTimeUnixNano: UInt64)
        case rejected(String)
    }

    private struct Stream {
        var start: UInt64
        var last: UInt64
        var total: Value
        var touchedMilliseconds: Int64
    }

    private struct State {
        var streams: [Labels: Stream] = [:]
        var operationsSinceSweep = 0
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = .init()) {
        self.limits = limits
    }

    /// Streams currently kept.
    public var streamCount: Int { state.withLock { $0.streams.count } }

    /// Adds the delta `value` observed over `(startTimeUnixNano, timeUnixNano]` to the stream `key`.
    /// `now` is the wall clock in milliseconds (for idle expiry).
    public func add(
        _ value: Value, to key: Labels, startTimeUnixNano: UInt64, timeUnixNano: UInt64, now: Int64
    ) -> Outcome {
        state.withLock { state in
            state.operationsSinceSweep += 1
            if state.operationsSinceSweep >= 65_536
                || (state.streams.count >= limits.maxStreams && state.operationsSinceSweep >= 1_024)
            {
                sweep(&state, now: now)
            }
            guard var stream = state.streams[key] else {
                guard state.streams.count < limits.maxStreams else {
                    return .rejected("delta-to-cumulative conversion already tracks \(limits.maxStreams) series")
                }
                let start = startTimeUnixNano != 0 ? startTimeUnixNano : timeUnixNano
                state.streams[key] = Stream(start: start, last: timeUnixNano, total: value, touchedMilliseconds: now)
                return .cumulative(value, startTimeUnixNano: start)
            }
            guard timeUnixNano > stream.last else {
                return .rejected("delta point at \(timeUnixNano) ns is not after the series' last point at \(stream.last) ns")
            }
            guard startTimeUnixNano == 0 || startTimeUnixNano >= stream.last else {
                return .rejected(
                    "delta point covering (\(startTimeUnixNano), \(timeUnixNano)] ns overlaps the series' last point at \(stream.last) ns")
            }
            if let total = Self.sum(stream.total, value) {
                stream.total = total
            } else {
                stream.total = value
                stream.start = startTimeUnixNano != 0 ? startTimeUnixNano : timeUnixNano
            }
            stream.last = timeUnixNano
            stream.touchedMilliseconds = now
            state.streams[key] = stream
            return .cumulative(stream.total, startTimeUnixNano: stream.start)
        }
    }

    /// Forgets a stream (after a `NO_RECORDED_VALUE` point).
    public func end(_ key: Labels) {
        _ = state.withLock { $0.streams.removeValue(forKey: key) }
    }

    /// `a + b`, or nil when they cannot be added (different kinds or histogram bounds): a reset.
    static func sum(_ a: Value, _ b: Value) -> Value? {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return .number(x + y)
        case (.histogram(let c1, let s1, let bounds1, let buckets1), .histogram(let c2, let s2, let bounds2, let buckets2)):
            guard bounds1 == bounds2, buckets1.count == buckets2.count else { return nil }
            return .histogram(
                count: c1 &+ c2, sum: s1 + s2, bounds: bounds1, buckets: zip(buckets1, buckets2).map { $0 &+ $1 })
        case (.exponential(var x), .exponential(let y)):
            x.add(y)
            return .exponential(x)
        default:
            return nil
        }
    }

    private func sweep(_ state: inout State, now: Int64) {
        state.operationsSinceSweep = 0
        let cutoff = now - limits.idleTimeoutMilliseconds
        state.streams = state.streams.filter { $0.value.touchedMilliseconds >= cutoff }
    }
}
