import PivotModel

/// The evaluation steps of one (sub)query: `start`, `start + step`, … up to `end` (milliseconds).
/// An instant evaluation has `start == end`.
struct Grid: Sendable {
    let start: Int64
    let end: Int64
    let step: Int64

    /// A grid whose `end` is aligned down to the last step at or before `end`.
    init(start: Int64, end: Int64, step: Int64) {
        self.start = start
        self.step = max(step, 1)
        self.end = end < start ? end : start + (end - start) / self.step * self.step
    }

    var count: Int { end < start ? 0 : Int((end - start) / step) + 1 }
    var isInstant: Bool { start == end }
    func time(_ index: Int) -> Int64 { start + Int64(index) * step }
}

/// A series during evaluation: labels, points at evaluation steps (or raw sample times for range
/// vectors), and whether `__name__` must be removed at the end (delayed name removal).
struct EvalSeries {
    var labels: Labels
    var points: [FloatPoint]
    var dropName: Bool
}

/// One element of an instant vector at one step.
struct StepSample {
    var labels: Labels
    var value: Double
    var dropName: Bool
}

/// An evaluated expression over a grid.
enum Evaluated {
    /// One value per grid step.
    case scalar([Double])
    /// Series with at most one point per grid step.
    case vector([EvalSeries])
    /// Raw range-vector series (only for instant evaluation of a range selector or subquery).
    case matrix([EvalSeries])
    case string(String)
}

extension Labels {
    /// The labels without `__name__`, `__type__` and `__unit__`.
    var droppingMetricName: Labels {
        // On `elements`: the collection's own subscript returns copies, a retain and release per label.
        guard elements.contains(where: { Labels.isMetadataName($0.name) }) else { return self }
        // Sized once: `filter` grew the new array from empty, reallocating it two or three times for
        // every series a function such as `rate` takes the name from.
        var kept: [Label] = []
        kept.reserveCapacity(elements.count - 1)
        elements.withUnsafeBufferPointer { labels in
            for index in labels.indices where !Labels.isMetadataName(labels[index].name) { kept.append(labels[index]) }
        }
        return Labels(sorted: kept)
    }

    /// Whether `name` is one Prometheus treats as metric metadata and removes with the name. The
    /// first byte rules out almost every other label without hashing it (this runs for every label
    /// of every series a function or operator drops names from).
    @inline(__always)
    static func isMetadataName(_ name: String) -> Bool {
        name.utf8.first == UInt8(ascii: "_") && (name == "__name__" || name == "__type__" || name == "__unit__")
    }
}
