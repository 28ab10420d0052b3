import PivotModel

/// One argument of a step-wise operation at one step.
enum StepInput {
    case scalar(Double)
    /// The vector's samples at this step, each with the index of its series in the evaluated input.
    case vector([StepSample], sources: [Int])
    case string(String)

    var scalarValue: Double {
        if case .scalar(let value) = self { return value }
        return .nan
    }

    var samples: [StepSample] {
        if case .vector(let samples, _) = self { return samples }
        return []
    }
}

extension Evaluator {
    /// Evaluates a step-wise operation: for every step of `grid`, gathers each input's value at that
    /// step and calls `body`, then assembles the returned samples into series. An instant evaluation
    /// keeps the order `body` returns; two results with the same labels at one step are an error.
    func stepwise(
        _ grid: Grid, _ inputs: [Evaluated], _ body: (Int64, [StepInput]) throws(EngineError) -> [StepSample]
    ) throws(EngineError) -> [EvalSeries] {
        var cursors: [[Int]] = inputs.map { input in
            if case .vector(let series) = input { return Array(repeating: 0, count: series.count) }
            return []
        }
        var output: [EvalSeries] = []
        var index: [Labels: Int] = [:]
        var args: [StepInput] = []
        args.reserveCapacity(inputs.count)
        for step in 0..<grid.count {
            if step & 255 == 0 { try checkInterrupt() }
            let ts = grid.time(step)
            args.removeAll(keepingCapacity: true)
            for (i, input) in inputs.enumerated() {
                switch input {
                case .scalar(let values): args.append(.scalar(values[step]))
                case .string(let text): args.append(.string(text))
                case .matrix: args.append(.vector([], sources: []))
                case .vector(let series):
                    var samples: [StepSample] = []
                    var sources: [Int] = []
                    for s in series.indices {
                        let at = cursors[i][s]
                        let points = series[s].points
                        if at < points.count && points[at].timestamp == ts {
                            samples.append(StepSample(labels: series[s].labels, value: points[at].value, dropName: series[s].dropName))
                            sources.append(s)
                            cursors[i][s] = at + 1
                        }
                    }
                    args.append(.vector(samples, sources: sources))
                }
            }
            let result = try body(ts, args)
            if grid.isInstant {
                if !delayedNameRemoval {
                    var seen = Set<Labels>()
                    for sample in result where !seen.insert(sample.labels).inserted { throw EngineError.sameLabelset }
                }
                try account(result.count)
                return result.map { EvalSeries(labels: $0.labels, points: [FloatPoint(timestamp: ts, value: $0.value)], dropName: $0.dropName) }
            }
            try account(result.count)
            for sample in result {
                let point = FloatPoint(timestamp: ts, value: sample.value)
                if let at = index[sample.labels] {
                    if output[at].points.last?.timestamp == ts { throw EngineError.sameLabelset }
                    output[at].points.append(point)
                } else {
                    index[sample.labels] = output.count
                    output.append(EvalSeries(labels: sample.labels, points: [point], dropName: sample.dropName))
                }
            }
        }
        return output
    }
}
