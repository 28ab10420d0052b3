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
            if let series = try selectKBySeries(aggregate.op, params, input, groupOf, groupLabels.count, grid) {
                return .vector(series)
            }
            return .vector(try stepwise(grid, [.vector(input)]) { ts, args throws(EngineError) in
                guard case .vector(let samples, let sources) = args[0] else { return [] }
                let step = Int((ts - grid.start) / grid.step)
                var groups: [[StepEntry]] = Array(repeating: [], count: groupLabels.count)
                for (k, sample) in samples.enumerated() {
                    groups[groupOf[sources[k]]].append(StepEntry(element: k, value: sample.value))
                }
                var selected: [StepEntry] = []
                Self.selectK(
                    aggregate.op, params.isEmpty ? 0 : params[step], groups, input.count, labels: { samples[$0].labels },
                    into: &selected)
                return selected.map { samples[$0.element] }
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

    /// `topk`, `bottomk`, `limitk`, `limit_ratio` at one step: appends the selected entries of each
    /// group to `selected`, group by group. `groups` holds each group's entries in input order, and
    /// `labels` gives an entry's labels (for `limit_ratio`).
    static func selectK(
        _ op: AggregationOperator, _ param: Double, _ groups: [[StepEntry]], _ inputCount: Int,
        labels: (Int) -> Labels, into selected: inout [StepEntry]
    ) {
        switch op {
        case .limitRatio:
            guard param != 0, !param.isNaN else { return }
            let ratio = Swift.min(1, Swift.max(-1, param))
            for group in groups {
                for entry in group where RatioSampler.keeps(labels(entry.element), ratio: ratio) { selected.append(entry) }
            }
        default:
            // Below 1 (down to -1e300, which `checkParameters` lets through as "select nothing") before
            // converting, so the conversion cannot trap.
            guard !param.isNaN, param >= 1 else { return }
            let k = Int(Swift.min(Int64(param), Int64(inputCount)))
            guard k >= 1 else { return }
            for group in groups where !group.isEmpty {
                switch op {
                case .limitk: selected += group.prefix(k)
                // Highest first; NaN only when nothing else is left.
                case .topk: appendFirst(k, of: group, descending: true, to: &selected)
                default: appendFirst(k, of: group, descending: false, to: &selected)
                }
            }
        }
    }

    /// Appends the first `k` entries of `group` in `ranksBefore` order (ties by position): a sort and a
    /// prefix, or for a small `k` one pass keeping the best `k` so far (a range `topk(5, …)` over
    /// thousands of series sorted every step).
    static func appendFirst(_ k: Int, of group: [StepEntry], descending: Bool, to selected: inout [StepEntry]) {
        guard k <= 64 && k < group.count else {
            let sorted = group.indices.sorted { a, b in
                ranksBefore(group[a].value, group[b].value, descending: descending, a, b)
            }
            for position in sorted.prefix(k) { selected.append(group[position]) }
            return
        }
        let start = selected.count
        // `selected[start...]` holds the best so far, best first; their positions in `group` alongside.
        var positions: [Int] = []
        positions.reserveCapacity(k + 1)
        for (offset, entry) in group.enumerated() {
            var position = positions.count
            if position == k,
                !ranksBefore(entry.value, selected[start + k - 1].value, descending: descending, offset, positions[k - 1])
            {
                continue
            }
            while position > 0,
                ranksBefore(entry.value, selected[start + position - 1].value, descending: descending, offset, positions[position - 1])
            {
                position -= 1
            }
            selected.insert(entry, at: start + position)
            positions.insert(offset, at: position)
            if positions.count > k {
                selected.removeLast()
                positions.removeLast()
            }
        }
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
