import PivotModel
import PivotPromQL

extension Evaluator {
    /// Functions this engine does not implement: they fail with a clear message instead of a wrong answer.
    static let unsupportedFunctions: Set<String> = [
        "info", "histogram_quantiles", "start_timestamp", "histogram_avg", "histogram_count", "histogram_sum",
        "histogram_stddev", "histogram_stdvar",
    ]

    func evalCall(_ call: Call, _ grid: Grid) throws(EngineError) -> Evaluated {
        let name = call.function.name
        if Self.unsupportedFunctions.contains(name) {
            throw EngineError(.notSupported, "function \(name)() is not supported by this PromQL engine yet")
        }
        if let function = RangeFunctions.table[name] {
            return try evalRangeFunction(call, function, grid)
        }
        switch name {
        case "timestamp":
            if case .vectorSelector(let selector) = call.args[0] {
                var series = try selectVector(selector, grid, value: .sampleTimestamp)
                for i in series.indices {
                    series[i].dropName = true
                    if !delayedNameRemoval { series[i].labels = series[i].labels.droppingMetricName }
                }
                return .vector(series)
            }
        case "label_replace": return try labelReplace(call, grid)
        case "label_join": return try labelJoin(call, grid)
        case "time": return .scalar((0..<grid.count).map { Double(grid.time($0)) / 1000 })
        case "pi": return .scalar(Array(repeating: Double.pi, count: grid.count))
        case "start": return .scalar(Array(repeating: Double(queryStart) / 1000, count: grid.count))
        case "end": return .scalar(Array(repeating: Double(queryEnd) / 1000, count: grid.count))
        case "step": return .scalar(Array(repeating: Double(queryStep) / 1000, count: grid.count))
        case "range": return .scalar(Array(repeating: Double(queryEnd - queryStart) / 1000, count: grid.count))
        case "scalar":
            let input = try eval(call.args[0], grid)
            var values = Array(repeating: Double.nan, count: grid.count)
            _ = try stepwise(grid, [input]) { ts, args throws(EngineError) in
                let samples = args[0].samples
                if samples.count == 1 { values[Int((ts - grid.start) / grid.step)] = samples[0].value }
                return []
            }
            return .scalar(values)
        case "min_of", "max_of":
            let a = try evalScalar(call.args[0], grid), b = try evalScalar(call.args[1], grid)
            return .scalar(zip(a, b).map { name == "min_of" ? Swift.min($0, $1) : Swift.max($0, $1) })
        case "absent":
            let input = try eval(call.args[0], grid)
            let labels = Self.absentLabels(call.args[0])
            return .vector(try stepwise(grid, [input]) { _, args throws(EngineError) in
                args[0].samples.isEmpty ? [StepSample(labels: labels, value: 1, dropName: true)] : []
            })
        case "sort", "sort_desc", "sort_by_label", "sort_by_label_desc":
            if !grid.isInstant {
                annotations.warn("sort is ineffective for range queries since results are always ordered by labels")
            }
        default: break
        }
        // Functions over instant vectors and scalars, evaluated step by step.
        var inputs: [Evaluated] = []
        for arg in call.args { inputs.append(try eval(arg, grid)) }
        return .vector(try stepwise(grid, inputs) { ts, args throws(EngineError) in
            try self.instantFunction(name, call, args, ts)
        })
    }

    /// Name endings `rate` and `increase` expect of a counter (other names get an info annotation).
    private static let counterSuffixes = ["_total", "_sum", "_count", "_bucket"]

    /// A function over a range vector: for each input series and step, the function of its window.
    private func evalRangeFunction(_ call: Call, _ function: RangeFunctions.Function, _ grid: Grid) throws(EngineError) -> Evaluated {
        let name = call.function.name
        guard let matrixIndex = call.args.firstIndex(where: { $0.type == .matrix }) else {
            throw EngineError.execution("function \(name) expects a range vector")
        }
        var scalars: [[Double]] = []
        for (i, arg) in call.args.enumerated() where i != matrixIndex { scalars.append(try evalScalar(arg, grid)) }
        let (input, range, refs) = try loadRangeArgument(call.args[matrixIndex], grid)
        let keepsName = name == "last_over_time" || name == "first_over_time"
        let checksCounter = name == "rate" || name == "increase"
        var output: [EvalSeries] = []
        var local = Annotations()
        let annotate: (AnnotationKind, String) -> Void = { kind, text in
            if kind == .warning { local.warn(text) } else { local.info(text) }
        }
        // Series straight from storage have distinct label sets, and they stay distinct when the metric
        // name is dropped if they all share one name: then the duplicate check below can be skipped.
        var distinctAfterDrop = call.args[matrixIndex].unwrappingParens.isMatrixSelector
        if distinctAfterDrop, let firstName = input.first?.labels.metricName {
            distinctAfterDrop = input.allSatisfy { $0.labels.metricName == firstName }
        }
        let noScalars: [Double] = []
        // rate, increase and delta read the windows in place, without building a WindowInput per step.
        let rateKind: (isCounter: Bool, isRate: Bool)? = switch name {
        case "rate": (true, true)
        case "increase": (true, false)
        case "delta": (false, false)
        default: nil
        }
        var lastCheckedMetric: String?
        for series in input {
            try checkInterrupt()
            var points: [FloatPoint] = []
            if let rateKind, scalars.isEmpty {
                series.points.withUnsafeBufferPointer { buffer in
                    // A window can only hold a reset the whole series holds: one pass here saves one per window.
                    let mayReset = rateKind.isCounter && RangeFunctions.hasDecrease(buffer)
                    for step in 0..<grid.count {
                        let ts = grid.time(step)
                        let end = refs.time(at: ts)
                        let window = UnsafeBufferPointer(rebasing: buffer[series.windowBounds(end: end, range: range)])
                        if let value = RangeFunctions.extrapolatedRate(
                            window, rangeStart: end - range, rangeEnd: end, isCounter: rateKind.isCounter,
                            isRate: rateKind.isRate, mayReset: mayReset)
                        {
                            points.append(FloatPoint(timestamp: ts, value: value))
                        }
                    }
                }
            } else {
                series.points.withUnsafeBufferPointer { buffer in
                    // One input per series, its window moved step by step: building one per step copied
                    // (retained and released) its scalars and annotation closure every time.
                    var window = WindowInput(
                        points: UnsafeBufferPointer(rebasing: buffer[0..<0]), rangeStart: 0, rangeEnd: 0, stepTime: 0,
                        scalars: noScalars, annotate: annotate)
                    for step in 0..<grid.count {
                        let ts = grid.time(step)
                        let end = refs.time(at: ts)
                        window.points = UnsafeBufferPointer(rebasing: buffer[series.windowBounds(end: end, range: range)])
                        window.rangeStart = end - range
                        window.rangeEnd = end
                        window.stepTime = ts
                        if !scalars.isEmpty { window.scalars = scalars.map { $0[step] } }
                        if let value = function(window) { points.append(FloatPoint(timestamp: ts, value: value)) }
                    }
                }
            }
            guard !points.isEmpty else { continue }
            try account(points.count)
            let dropName = !keepsName || series.dropName
            let labels = dropName && !delayedNameRemoval ? series.labels.droppingMetricName : series.labels
            output.append(EvalSeries(labels: labels, points: points, dropName: dropName))
            if checksCounter {
                // Once per metric name: the series of one selector nearly always share it.
                let metric = series.labels.metricName
                if metric != lastCheckedMetric {
                    lastCheckedMetric = metric
                    if !metric.isEmpty && !Self.counterSuffixes.contains(where: { metric.hasSuffix($0) }) {
                        local.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(GoQuote.quote(bytes: Array(metric.utf8)))")
                    }
                }
            }
        }
        annotations.merge(local)
        if name == "absent_over_time" {
            var present = Set<Int64>()
            for series in output { for p in series.points { present.insert(p.timestamp) } }
            let labels = Self.absentLabels(call.args[matrixIndex])
            let points = (0..<grid.count).map(grid.time).filter { !present.contains($0) }
                .map { FloatPoint(timestamp: $0, value: 1) }
            return .vector(points.isEmpty ? [] : [EvalSeries(labels: labels, points: points, dropName: true)])
        }
        if !delayedNameRemoval && !distinctAfterDrop {
            var seen = Set<Labels>()
            for series in output where !seen.insert(series.labels).inserted { throw EngineError.sameLabelset }
        }
        return .vector(output)
    }

    /// The labels `absent` and `absent_over_time` give their result: the equality matchers of a plain
    /// selector (a label matched twice is left out), nothing for any other expression.
    static func absentLabels(_ expr: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch expr {
        case .vectorSelector(let selector): matchers = selector.matchers
        case .matrixSelector(let selector): matchers = selector.vectorSelector.matchers
        default: return .empty
        }
        var values: [String: String] = [:]
        var seen = Set<String>()
        for matcher in matchers where matcher.name != Label.metricName {
            if matcher.kind == .equal && !seen.contains(matcher.name) {
                values[matcher.name] = matcher.value
                seen.insert(matcher.name)
            } else {
                values[matcher.name] = nil
            }
        }
        return Labels(values.map { Label(name: $0.key, value: $0.value) })
    }
}

private extension Expr {
    var isMatrixSelector: Bool {
        if case .matrixSelector = self { return true }
        return false
    }
}
