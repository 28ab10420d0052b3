import PivotModel
import PivotPromQL

extension Evaluator {
    /// The most accumulator slots (steps × groups, about 64 bytes each) `aggregateBySeries` sets up:
    /// 262,144 (16 MiB). Larger aggregations go step by step.
    static let seriesMajorAggregationLimit = 1 << 18

    /// A float aggregation (`sum`, `avg`, `min`, `max`, `count`, `group`, `stddev`, `stdvar`,
    /// `quantile`) computed series by series instead of step by step: each input point goes straight to
    /// its group's accumulator at its step, so no per-step sample lists are built.
    ///
    /// Gives exactly what the step-wise evaluation gives: every accumulator sees its values in input
    /// series order, and groups come out in the order the step-wise evaluation would create them (by
    /// the first step with a value, then group order). Returns nil (the caller falls back to the
    /// step-wise evaluation) when an input point is not on the grid or the aggregation is too large.
    func aggregateBySeries(
        _ op: AggregationOperator, _ params: [Double], _ input: [EvalSeries], _ groupOf: [Int],
        _ groupLabels: [Labels], _ grid: Grid
    ) throws(EngineError) -> [EvalSeries]? {
        let steps = grid.count
        let groups = groupLabels.count
        let (slots, overflow) = steps.multipliedReportingOverflow(by: groups)
        guard steps > 0, groups > 0, !overflow, slots <= Self.seriesMajorAggregationLimit,
              Self.pointsPerStep(input, grid) != nil
        else { return nil }
        try checkInterrupt()
        // Slot of (step, group) is step * groups + group.
        var accumulators = [Accumulator?](repeating: nil, count: slots)
        for (s, series) in input.enumerated() {
            let g = groupOf[s]
            let dropName = series.dropName
            for point in series.points {
                let slot = Int((point.timestamp - grid.start) / grid.step) * groups + g
                if accumulators[slot] == nil {
                    accumulators[slot] = Accumulator(first: point.value, dropName: dropName)
                } else {
                    accumulators[slot]!.add(point.value, op, dropName: dropName)
                }
            }
        }
        // Assemble the output series in the order the step-wise evaluation creates them.
        var seriesOfGroup = [Int](repeating: -1, count: groups)
        var output: [EvalSeries] = []
        for step in 0..<steps {
            let ts = grid.time(step)
            let param = params.isEmpty ? .nan : params[step]
            var produced = 0
            for g in 0..<groups {
                guard let accumulator = accumulators[step * groups + g] else { continue }
                produced += 1
                let point = FloatPoint(timestamp: ts, value: accumulator.result(op, param: param))
                if seriesOfGroup[g] >= 0 {
                    output[seriesOfGroup[g]].points.append(point)
                } else {
                    seriesOfGroup[g] = output.count
                    var points: [FloatPoint] = []
                    points.reserveCapacity(steps - step)
                    points.append(point)
                    output.append(EvalSeries(labels: groupLabels[g], points: points, dropName: accumulator.dropName))
                }
            }
            try account(produced)
        }
        return output
    }

    /// How many input points sit on each step of `grid`, or nil when a point is not on a grid step or
    /// a series' steps do not ascend (what the step-wise cursors expect; the series-major paths then
    /// step aside).
    static func pointsPerStep(_ input: [EvalSeries], _ grid: Grid) -> [Int]? {
        let steps = grid.count
        var counts = [Int](repeating: 0, count: steps)
        for series in input {
            var previous = -1
            for point in series.points {
                let offset = point.timestamp - grid.start
                guard offset >= 0, offset % grid.step == 0 else { return nil }
                let step = Int(offset / grid.step)
                guard step < steps, step > previous else { return nil }
                previous = step
                counts[step] += 1
            }
        }
        return counts
    }
}
