import PivotModel
import PivotPromQL

/// One value at one step of an aggregation's input: which element it is (an input series, or a sample
/// of the step) and its value.
struct StepEntry {
    var element: Int
    var value: Double
}

extension Evaluator {
    /// `topk`, `bottomk`, `limitk` and `limit_ratio` over a grid without per-step sample lists: the
    /// input points are laid out step by step once, as (series, value) entries, and each step selects
    /// among its entries. An output series is its input series' labels, looked up by index only for the
    /// series that get selected (the step-wise evaluation copies every input sample's labels each step
    /// and finds its output series by hashing them).
    ///
    /// Gives exactly what the step-wise evaluation gives: entries come in input series order, and the
    /// output series in the order the step-wise evaluation creates them. Returns nil (the caller falls
    /// back to the step-wise evaluation) when an input point is not on the grid, or when two selected
    /// series have the same labels: the step-wise evaluation merges those, or reports the collision.
    func selectKBySeries(
        _ op: AggregationOperator, _ params: [Double], _ input: [EvalSeries], _ groupOf: [Int], _ groupCount: Int,
        _ grid: Grid
    ) throws(EngineError) -> [EvalSeries]? {
        let steps = grid.count
        guard steps > 0, groupCount > 0, let counts = Self.pointsPerStep(input, grid) else { return nil }
        // Entries of step i are entries[starts[i]..<starts[i + 1]].
        var starts = [Int](repeating: 0, count: steps + 1)
        for step in 0..<steps { starts[step + 1] = starts[step] + counts[step] }
        try checkInterrupt()
        var next = starts
        var entries = [StepEntry](repeating: StepEntry(element: 0, value: 0), count: starts[steps])
        for (s, series) in input.enumerated() {
            for point in series.points {
                let step = Int((point.timestamp - grid.start) / grid.step)
                entries[next[step]] = StepEntry(element: s, value: point.value)
                next[step] += 1
            }
        }
        var groups = [[StepEntry]](repeating: [], count: groupCount)
        var selected: [StepEntry] = []
        var outputOf = [Int](repeating: -1, count: input.count)
        var output: [EvalSeries] = []
        var accounted = 0
        for step in 0..<steps {
            if step & 255 == 0 { try checkInterrupt() }
            for g in 0..<groupCount { groups[g].removeAll(keepingCapacity: true) }
            for entry in entries[starts[step]..<starts[step + 1]] { groups[groupOf[entry.element]].append(entry) }
            selected.removeAll(keepingCapacity: true)
            Self.selectK(
                op, params.isEmpty ? 0 : params[step], groups, input.count, labels: { input[$0].labels }, into: &selected)
            try account(selected.count)
            accounted += selected.count
            let ts = grid.time(step)
            for entry in selected {
                let s = entry.element
                if outputOf[s] < 0 {
                    outputOf[s] = output.count
                    output.append(EvalSeries(labels: input[s].labels, points: [], dropName: input[s].dropName))
                }
                output[outputOf[s]].points.append(FloatPoint(timestamp: ts, value: entry.value))
            }
        }
        if output.count > 1 {
            var seen = Set<Labels>(minimumCapacity: output.count)
            for series in output where !seen.insert(series.labels).inserted {
                currentSamples -= accounted  // the step-wise evaluation counts them again
                return nil
            }
        }
        return output
    }
}
