import Foundation
import PivotModel
import PivotPromQL

extension Evaluator {
    func evalBinary(_ binary: Binary, _ grid: Grid) throws(EngineError) -> Evaluated {
        let lhs = try eval(binary.lhs, grid)
        let rhs = try eval(binary.rhs, grid)
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)):
            return .scalar(zip(a, b).map { x, y in
                let (value, keep) = Self.apply(binary.op, x, y)
                return binary.op.isComparison ? (keep ? 1 : 0) : value
            })
        case (.vector, .scalar), (.scalar, .vector):
            let swapped: Bool
            if case .scalar = lhs { swapped = true } else { swapped = false }
            return .vector(try stepwise(grid, [lhs, rhs]) { _, args throws(EngineError) in
                let scalar = swapped ? args[0].scalarValue : args[1].scalarValue
                let vector = swapped ? args[1].samples : args[0].samples
                return self.vectorScalar(binary, vector, scalar, scalarOnLeft: swapped)
            })
        case (.vector(let left), .vector(let right)):
            let matching = binary.matching ?? VectorMatching(
                cardinality: binary.op.isSetOperator ? .manyToMany : .oneToOne)
            let leftKeys = left.map { Self.signature($0.labels, matching) }
            let rightKeys = right.map { Self.signature($0.labels, matching) }
            return .vector(try stepwise(grid, [lhs, rhs]) { _, args throws(EngineError) in
                guard case .vector(let ls, let lsrc) = args[0], case .vector(let rs, let rsrc) = args[1] else { return [] }
                let lk = lsrc.map { leftKeys[$0] }
                let rk = rsrc.map { rightKeys[$0] }
                switch binary.op {
                case .and:
                    guard !ls.isEmpty && !rs.isEmpty else { return [] }
                    let present = Set(rk)
                    return ls.indices.filter { present.contains(lk[$0]) }.map { ls[$0] }
                case .or:
                    if ls.isEmpty { return rs }
                    if rs.isEmpty { return ls }
                    let present = Set(lk)
                    return ls + rs.indices.filter { !present.contains(rk[$0]) }.map { rs[$0] }
                case .unless:
                    guard !ls.isEmpty && !rs.isEmpty else { return ls }
                    let present = Set(rk)
                    return ls.indices.filter { !present.contains(lk[$0]) }.map { ls[$0] }
                default:
                    return try self.vectorVector(binary, matching, ls, lk, rs, rk)
                }
            })
        default:
            throw EngineError.execution("invalid operand types for binary operator \(binary.op.symbol)")
        }
    }

    /// The value of `x op y` and, for comparisons, whether it holds.
    static func apply(_ op: BinaryOperator, _ x: Double, _ y: Double) -> (value: Double, keep: Bool) {
        switch op {
        case .add: (x + y, true)
        case .sub: (x - y, true)
        case .mul: (x * y, true)
        case .div: (x / y, true)
        case .pow: (Foundation.pow(x, y), true)
        case .mod: (fmod(x, y), true)
        case .atan2: (Foundation.atan2(x, y), true)
        case .equal: (x, x == y)
        case .notEqual: (x, x != y)
        case .greater: (x, x > y)
        case .less: (x, x < y)
        case .greaterOrEqual: (x, x >= y)
        case .lessOrEqual: (x, x <= y)
        default: (x, true)
        }
    }

    /// Whether the operator changes what the metric means (arithmetic), so the result loses its name.
    static func changesMetricSchema(_ op: BinaryOperator) -> Bool {
        switch op {
        case .add, .sub, .mul, .div, .mod, .pow, .atan2: true
        default: false
        }
    }

    /// The labels two series are matched on.
    static func signature(_ labels: Labels, _ matching: VectorMatching) -> Labels {
        switch matching.labelsMode {
        case .on: labels.keeping(Set(matching.labels))
        case .ignoring: labels.removing(Set(matching.labels).union([Label.metricName]))
        }
    }

    private func vectorScalar(_ binary: Binary, _ vector: [StepSample], _ scalar: Double, scalarOnLeft: Bool) -> [StepSample] {
        var out: [StepSample] = []
        out.reserveCapacity(vector.count)
        for var sample in vector {
            let (x, y) = scalarOnLeft ? (scalar, sample.value) : (sample.value, scalar)
            var (value, keep) = Self.apply(binary.op, x, y)
            if binary.op.isComparison && scalarOnLeft { value = sample.value }
            if binary.returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            sample.value = value
            if Self.changesMetricSchema(binary.op) || binary.returnBool {
                if !delayedNameRemoval { sample.labels = sample.labels.droppingMetricName }
                sample.dropName = true
            }
            out.append(sample)
        }
        return out
    }

    private func vectorVector(
        _ binary: Binary, _ matching: VectorMatching, _ lhsIn: [StepSample], _ lhsKeysIn: [Labels],
        _ rhsIn: [StepSample], _ rhsKeysIn: [Labels]
    ) throws(EngineError) -> [StepSample] {
        if (lhsIn.isEmpty && rhsIn.isEmpty) || ((lhsIn.isEmpty || rhsIn.isEmpty) && !matching.hasFill) { return [] }
        let swapped = matching.cardinality == .oneToMany
        let (lhs, lhsKeys, rhs, rhsKeys) = swapped
            ? (rhsIn, rhsKeysIn, lhsIn, lhsKeysIn) : (lhsIn, lhsKeysIn, rhsIn, rhsKeysIn)
        let (fillForMissingRight, fillForMissingLeft) = swapped
            ? (matching.fillLeft, matching.fillRight) : (matching.fillRight, matching.fillLeft)

        // The "one" side, by signature.
        var oneSide: [Labels: Int] = [:]
        for (i, sample) in rhs.enumerated() {
            if let previous = oneSide[rhsKeys[i]] {
                let side = swapped ? "left" : "right"
                var pair = [sample.labels.description, rhs[previous].labels.description]
                if pair[0] > pair[1] { pair.swapAt(0, 1) }
                let group = Self.matchedLabels(sample.labels, matching)
                throw EngineError.execution(
                    "found duplicate series for the match group \(group) on the \(side) hand-side of the operation: "
                        + "[\(pair[0]), \(pair[1])];many-to-many matching not allowed: matching labels must be unique on one side")
            }
            oneSide[rhsKeys[i]] = i
        }

        var matchedOneToOne = Set<Labels>()
        var matchedManyToOne: [Labels: Set<Labels>] = [:]
        var out: [StepSample] = []

        func combine(_ ls: StepSample, _ rs: StepSample, _ key: Labels) throws(EngineError) {
            let (x, y) = swapped ? (rs.value, ls.value) : (ls.value, rs.value)
            var (value, keep) = Self.apply(binary.op, x, y)
            if binary.returnBool {
                value = keep ? 1 : 0
            }
            let metric = resultLabels(ls.labels, rs.labels, binary, matching)
            if matching.cardinality == .oneToOne {
                if !matchedOneToOne.insert(key).inserted {
                    throw EngineError.execution(
                        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
            } else if !matchedManyToOne[key, default: []].insert(metric).inserted {
                throw EngineError.execution("multiple matches for labels: grouping labels must ensure unique matches")
            }
            guard keep || binary.returnBool else { return }
            out.append(StepSample(labels: metric, value: value, dropName: binary.returnBool))
        }

        for (i, ls) in lhs.enumerated() {
            let key = lhsKeys[i]
            if let j = oneSide[key] {
                try combine(ls, rhs[j], key)
            } else if let fill = fillForMissingRight {
                try combine(ls, StepSample(labels: Self.matchedLabels(ls.labels, matching), value: fill, dropName: false), key)
            }
        }
        if let fill = fillForMissingLeft {
            for (j, rs) in rhs.enumerated() {
                let key = rhsKeys[j]
                let matched = matching.cardinality == .oneToOne
                    ? matchedOneToOne.contains(key) : !(matchedManyToOne[key]?.isEmpty ?? true)
                if matched { continue }
                try combine(StepSample(labels: Self.matchedLabels(rs.labels, matching), value: fill, dropName: false), rs, key)
            }
        }
        return out
    }

    /// The labels of a series that take part in matching (Prometheus's `MatchLabels`).
    static func matchedLabels(_ labels: Labels, _ matching: VectorMatching) -> Labels {
        switch matching.labelsMode {
        case .on: labels.keeping(Set(matching.labels))
        case .ignoring: labels.removing(Set(matching.labels).union([Label.metricName]))
        }
    }

    /// The labels of a binary operation's result: the "many" side's labels, reduced to the matching
    /// labels for one-to-one matching, plus the `group_left`/`group_right` labels of the "one" side.
    private func resultLabels(_ many: Labels, _ one: Labels, _ binary: Binary, _ matching: VectorMatching) -> Labels {
        var labels = many
        if (!delayedNameRemoval && binary.returnBool) || Self.changesMetricSchema(binary.op) {
            labels = labels.droppingMetricName
        }
        if matching.cardinality == .oneToOne {
            switch matching.labelsMode {
            case .on: labels = labels.keeping(Set(matching.labels))
            case .ignoring: labels = labels.removing(Set(matching.labels))
            }
        }
        for name in matching.include {
            labels = labels.setting(name, to: one[name])
        }
        return labels
    }
}
