/// A function call: `rate(foo[5m])`.
public struct Call: Hashable, Sendable {
    public var function: FunctionSpec
    public var args: [Expr]
    public var position: PositionRange

    public init(function: FunctionSpec, args: [Expr], position: PositionRange = .none) {
        self.function = function
        self.args = args
        self.position = position
    }
}

/// An aggregation: `sum by (job) (expr)`, `topk(5, expr)`.
public struct Aggregate: Hashable, Sendable {
    /// Whether `grouping` lists the labels to keep (`by`) or to drop (`without`).
    public enum GroupingMode: String, Hashable, Sendable {
        case by
        case without
    }

    public var op: AggregationOperator
    public var expr: Expr
    /// The parameter of `topk`, `bottomk`, `quantile`, `count_values`, `limitk`, `limit_ratio`; nil for the others.
    public var param: Expr?
    public var grouping: [String]
    public var groupingMode: GroupingMode
    public var position: PositionRange

    public init(
        op: AggregationOperator, expr: Expr, param: Expr? = nil, grouping: [String] = [],
        groupingMode: GroupingMode = .by, position: PositionRange = .none
    ) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.groupingMode = groupingMode
        self.position = position
    }
}

/// The aggregation operators. Their names are matched case-insensitively in queries.
public enum AggregationOperator: String, Hashable, Sendable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"
    case limitk
    case limitRatio = "limit_ratio"

    /// The name as Prometheus prints it.
    public var name: String { rawValue }

    /// Whether the aggregation takes a parameter before its body.
    public var takesParameter: Bool {
        switch self {
        case .topk, .bottomk, .quantile, .countValues, .limitk, .limitRatio: true
        default: false
        }
    }

    /// Whether the aggregation needs `ParserOptions.enableExperimentalFunctions`.
    public var isExperimental: Bool { self == .limitk || self == .limitRatio }
}
