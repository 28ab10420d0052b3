import PivotModel
import PivotPromQL

extension Evaluator {
    func evalAggregate(_ aggregate: Aggregate, _ grid: Grid) throws(EngineError) -> Evaluated {
        if aggregate.op == .countValues { return try countValues(aggregate, grid) }
        var params: [Double] = []
        if let param = aggregate.param { params = try evalScalar(param, grid) }
        let outer = selectsUnordered
        selectsUnordered = Self.isOrderFree(aggregate)
        let input: [EvalSeries]
        do {
            defer { selectsUnordered = outer }
            input = try evalVector(aggregate.expr, grid)
        }
        try checkParameters(aggregate, params)

        let grouping = Set(aggregate.grouping)
        let without = aggregate.groupingMode == .without
        let dropped = grouping.union([Label.metricName])
        // Group of every input series, and each group's labels.
        var groupOf: [Int] = []
        groupOf.reserveCapacity(input.count)
        var groupLabels: [Labels] = []
        var groupIndex: [Labels: Int] = [:]
        for series in input {
            let key = without ? series.labels.removing(dropped) : series.labels.keeping(grouping)
            if let at = groupIndex[key] {
                groupOf.append(at)
            } else {
                groupIndex[key] = groupLabels.count
                groupOf.append(groupLabels.count)
                groupLabels.append(key)
            }
        }

        switch aggregate.op {
        case .topk, .bottomk, .limitk, .limitRatio:
            return .vector(try stepwise(grid, [.vector(input)]) { ts, args throws(EngineError) in
                guard case .vector(let samples, let sources) = args[0] else { return [] }
                let step = Int((ts - grid.start) / grid.step)
                let param = params.isEmpty ? 0 : params[step]
                return try self.selectK(aggregate.op, param, samples, sources.map { groupOf[$0] }, groupLabels.count, input.count)
            })
        default:
            if let series = try aggregateBySeries(aggregate.op, params, input, groupOf, groupLabels, grid) {
                return .vector(series)
            }
            return .vector(try stepwise(grid, [.vector(input)]) { ts, args throws(EngineError) in
                guard case .vector(let samples, let sources) = args[0] else { return [] }
                let step = Int((ts - grid.start) / grid.step)
                var accumulators: [Accumulator?] = Array(repeating: nil, count: groupLabels.count)
                for (k, sample) in samples.enumerated() {
                    let g = groupOf[sources[k]]
                    if accumulators[g] == nil {
                        accumulators[g] = Accumulator(first: sample.value, dropName: sample.dropName)
                    } else {
                        accumulators[g]!.add(sample.value, aggregate.op, dropName: sample.dropName)
                    }
                }
                var out: [StepSample] = []
                for (g, accumulator) in accumulators.enumerated() {
                    guard let accumulator else { continue }
                    let value = accumulator.result(aggregate.op, param: params.isEmpty ? .nan : params[step])
                    out.append(StepSample(labels: groupLabels[g], value: value, dropName: accumulator.dropName))
                }
                return out
            })
        }
    }

    /// Whether the aggregation's result cannot depend on the order of its input series: its operator
    /// combines values without picking series (not `topk`, `bottomk`, `limitk`, `limit_ratio`), and its
    /// argument is a selector, or a per-series range function of a matrix selector and number
    /// literals, so no order-sensitive node (a nested `topk`, vector matching) sits between. The
    /// groups come out in another order then, which an instant vector does not promise and a range
    /// result sorts away.
    static func isOrderFree(_ aggregate: Aggregate) -> Bool {
        switch aggregate.op {
        case .sum, .avg, .count, .min, .max, .group, .stddev, .stdvar, .quantile: break
        default: return false
        }
        switch aggregate.expr.unwrappingParens {
        case .vectorSelector:
            return true
        case .call(let call):
            guard call.function.name != "absent_over_time" else { return false }
            var matrices = 0
            for argument in call.args {
                switch argument.unwrappingParens {
                case .matrixSelector: matrices += 1
                case .numberLiteral: continue
                default: return false
                }
            }
            return matrices == 1
        default:
            return false
        }
    }

    private func checkParameters(_ aggregate: Aggregate, _ params: [Double]) throws(EngineError) {
        guard !params.isEmpty else { return }
        let maximum = params.max { a, b in a.isNaN ? false : (b.isNaN ? false : a < b) } ?? .nan
        let minimum = params.min { a, b in a.isNaN ? false : (b.isNaN ? false : a < b) } ?? .nan
        let hasNaN = params.contains { $0.isNaN }
        switch aggregate.op {
        case .topk, .bottomk, .limitk:
            if params.allSatisfy({ $0 < 1 }) { return }
            if hasNaN { throw EngineError.execution("Parameter value is NaN") }
            if minimum <= -9.223372036854775808e18 {
                throw EngineError.execution("Scalar value \(GoFloatFormat.general(minimum)) underflows int64")
            }
            if maximum >= 9.223372036854775807e18 {
                throw EngineError.execution("Scalar value \(GoFloatFormat.general(maximum)) overflows int64")
            }
        case .limitRatio:
            if params.allSatisfy({ $0 == 0 }) { return }
            if hasNaN { throw EngineError.execution("Ratio value is NaN") }
            if maximum > 1 {
                annotations.warn("ratio value should be between -1 and 1, got \(GoFloatFormat.general(maximum)), capping to 1")
            }
            if minimum < -1 {
                annotations.warn("ratio value should be between -1 and 1, got \(GoFloatFormat.general(minimum)), capping to -1")
            }
        case .quantile:
            if hasNaN { annotations.warn("quantile value should be between 0 and 1, got NaN") }
            if maximum > 1 { annotations.warn("quantile value should be between 0 and 1, got \(GoFloatFormat.general(maximum))") }
            if minimum < 0 { annotations.warn("quantile value should be between 0 and 1, got \(GoFloatFormat.general(minimum))") }
        default: break
        }
    }

    /// `topk`, `bottomk`, `limitk`, `limit_ratio` at one step: the selected input samples of each group.
    private func selectK(
        _ op: AggregationOperator, _ param: Double, _ samples: [StepSample], _ groups: [Int], _ groupCount: Int,
        _ inputCount: Int
    ) throws(EngineError) -> [StepSample] {
        var perGroup: [[StepSample]] = Array(repeating: [], count: groupCount)
        switch op {
        case .limitRatio:
            guard param != 0, !param.isNaN else { return [] }
            let ratio = Swift.min(1, Swift.max(-1, param))
            for (k, sample) in samples.enumerated() where RatioSampler.keeps(sample.labels, ratio: ratio) {
                perGroup[groups[k]].append(sample)
            }
            return perGroup.flatMap { $0 }
        default:
            // Below 1 (down to -1e300, which `checkParameters` lets through as "select nothing") before
            // converting, so the conversion cannot trap.
            guard !param.isNaN, param >= 1 else { return [] }
            let k = Swift.min(Int64(param), Int64(inputCount))
            guard k >= 1 else { return [] }
            for (i, sample) in samples.enumerated() { perGroup[groups[i]].append(sample) }
            var out: [StepSample] = []
            for group in perGroup where !group.isEmpty {
                switch op {
                case .limitk:
                    out += group.prefix(Int(k))
                case .topk:
                    // Highest first; NaN only when nothing else is left.
                    out += Self.first(Int(k), of: group, descending: true)
                default:
                    out += Self.first(Int(k), of: group, descending: false)
                }
            }
            return out
        }
    }

    /// The first `k` samples of `group` in `ranksBefore` order (ties by position): a sort and a prefix,
    /// or for a small `k` one pass keeping the best `k` so far (a range `topk(5, …)` over thousands of
    /// series sorted every step).
    static func first(_ k: Int, of group: [StepSample], descending: Bool) -> [StepSample] {
        guard k <= 64 && k < group.count else {
            let sorted = group.enumerated().sorted { a, b in
                ranksBefore(a.element.value, b.element.value, descending: descending, a.offset, b.offset)
            }
            return sorted.prefix(k).map(\.element)
        }
        var best: [(offset: Int, sample: StepSample)] = []
        best.reserveCapacity(k + 1)
        for (offset, sample) in group.enumerated() {
            if best.count == k,
                !ranksBefore(sample.value, best[k - 1].sample.value, descending: descending, offset, best[k - 1].offset)
            {
                continue
            }
            var position = best.count
            while position > 0,
                ranksBefore(sample.value, best[position - 1].sample.value, descending: descending, offset, best[position - 1].offset)
            {
                position -= 1
            }
            best.insert((offset, sample), at: position)
            if best.count > k { best.removeLast() }
        }
        return best.map(\.sample)
    }

    private static func ranksBefore(_ a: Double, _ b: Double, descending: Bool, _ ia: Int, _ ib: Int) -> Bool {
        if a.isNaN != b.isNaN { return b.isNaN }
        if a.isNaN || a == b { return ia < ib }
        return descending ? a > b : a < b
    }

    private func countValues(_ aggregate: Aggregate, _ grid: Grid) throws(EngineError) -> Evaluated {
        guard case .stringLiteral(let literal)? = aggregate.param?.unwrappingParens else {
            throw EngineError.execution("count_values needs a string parameter")
        }
        guard literal.isValidUTF8, !literal.value.isEmpty else {
            throw EngineError.execution("invalid label name \(GoQuote.quote(bytes: literal.utf8Bytes))")
        }
        let valueLabel = literal.value
        let input = try evalVector(aggregate.expr, grid)
        var grouping = Set(aggregate.grouping)
        let without = aggregate.groupingMode == .without
        if !without { grouping.insert(valueLabel) }
        let dropped = grouping.union([Label.metricName])
        return .vector(try stepwise(grid, [.vector(input)]) { _, args throws(EngineError) in
            var counts: [Labels: Int] = [:]
            var order: [Labels] = []
            for sample in args[0].samples {
                let labels = sample.labels.setting(valueLabel, to: GoFloatFormat.fixed(sample.value))
                let key = without ? labels.removing(dropped) : labels.keeping(grouping)
                if counts[key] == nil { order.append(key) }
                counts[key, default: 0] += 1
            }
            return order.map { StepSample(labels: $0, value: Double(counts[$0]!), dropName: false) }
        })
    }
}

/// The running state of one group of a float aggregation at one step.
struct Accumulator {
    var value: Double
    var kahan = 0.0
    var mean: Double
    var count = 1.0
    var incrementalMean = false
    /// The values added after `first` (kept for stddev, stdvar and quantile only).
    var values: [Double] = []
    var dropName: Bool
    var first: Double

    init(first: Double, dropName: Bool) {
        self.value = first
        self.mean = first
        self.first = first
        self.dropName = dropName
        // stddev/stdvar start their sum of squares at 0 (NaN for NaN or infinite input).
    }

    mutating func add(_ f: Double, _ op: AggregationOperator, dropName: Bool) {
        if dropName { self.dropName = true }
        switch op {
        case .sum:
            (value, kahan) = KahanSum.increment(f, value, kahan)
        case .avg:
            count += 1
            if !incrementalMean {
                let (newValue, newC) = KahanSum.increment(f, value, kahan)
                if !newValue.isInfinite {
                    value = newValue
                    kahan = newC
                    return
                }
                incrementalMean = true
                mean = value / (count - 1)
                kahan /= count - 1
            }
            let q = (count - 1) / count
            (mean, kahan) = KahanSum.increment(f / count, q * mean, q * kahan)
        case .max:
            if value < f || value.isNaN { value = f }
        case .min:
            if value > f || value.isNaN { value = f }
        case .count, .group:
            count += 1
        case .stddev, .stdvar, .quantile:
            values.append(f)
        default: break
        }
    }

    func result(_ op: AggregationOperator, param: Double) -> Double {
        switch op {
        case .sum: return value.isInfinite ? value : value + kahan
        case .avg: return incrementalMean ? mean + kahan : value / count + kahan / count
        case .count: return count
        case .group: return 1
        case .max, .min: return value
        case .stddev, .stdvar:
            // Welford's method, as Prometheus computes it.
            var n = 1.0
            var m = first
            var aux = first.isNaN || first.isInfinite ? Double.nan : 0
            for f in values {
                n += 1
                let delta = f - m
                m += delta / n
                aux += delta * (f - m)
            }
            let variance = aux / n
            return op == .stddev ? variance.squareRoot() : variance
        case .quantile: return Statistics.quantile(param, [first] + values)
        default: return .nan
        }
    }
}
