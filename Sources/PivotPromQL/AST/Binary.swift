/// A binary operation: `a + on (job) group_left (x) b`, `a > bool 1`, `a and b`.
public struct Binary: Hashable, Sendable {
    public var op: BinaryOperator
    public var lhs: Expr
    public var rhs: Expr
    /// How series of the two sides are matched. After type checking this is nil unless both sides are
    /// instant vectors, and set operators always have `.manyToMany` cardinality.
    public var matching: VectorMatching?
    /// `bool` after a comparison: return 0/1 instead of filtering.
    public var returnBool: Bool

    public init(op: BinaryOperator, lhs: Expr, rhs: Expr, matching: VectorMatching? = nil, returnBool: Bool = false) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.matching = matching
        self.returnBool = returnBool
    }

    /// Scalar when both sides are scalars, else instant vector.
    public var type: ValueType {
        lhs.type == .scalar && rhs.type == .scalar ? .scalar : .vector
    }

    /// From the start of the left side to the end of the right side.
    public var position: PositionRange { lhs.position.merged(with: rhs.position) }
}

/// The binary operators, with Prometheus's precedence.
public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case mod = "%"
    case pow = "^"
    case atan2
    case equal = "=="
    case notEqual = "!="
    case greater = ">"
    case less = "<"
    case greaterOrEqual = ">="
    case lessOrEqual = "<="
    /// `</`: trims native histogram observations above a threshold.
    case trimUpper = "</"
    /// `>/`: trims native histogram observations below a threshold.
    case trimLower = ">/"
    case and
    case or
    case unless

    /// The operator as written in queries.
    public var symbol: String { rawValue }

    /// Higher binds tighter: `or` 1, `and`/`unless` 2, comparisons 3, `+ -` 4, `* / % atan2` 5, `^` 6.
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and, .unless: 2
        case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual, .trimUpper, .trimLower: 3
        case .add, .sub: 4
        case .mul, .div, .mod, .atan2: 5
        case .pow: 6
        }
    }

    /// `^` is right-associative; all others are left-associative.
    public var isRightAssociative: Bool { self == .pow }

    /// `== != > < >= <=` (the operators `bool` applies to).
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual: true
        default: false
        }
    }

    /// `and or unless`.
    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }
}

/// The matching clause of a binary operation between two instant vectors.
public struct VectorMatching: Hashable, Sendable {
    public enum Cardinality: String, Hashable, Sendable {
        case oneToOne = "one-to-one"
        case manyToOne = "many-to-one"
        case oneToMany = "one-to-many"
        case manyToMany = "many-to-many"
    }

    /// Whether `labels` are the labels to match on (`on`) or to ignore (`ignoring`).
    public enum LabelsMode: String, Hashable, Sendable {
        case on
        case ignoring
    }

    public var cardinality: Cardinality
    public var labels: [String]
    public var labelsMode: LabelsMode
    /// The extra labels of `group_left (…)`/`group_right (…)` copied from the "one" side.
    public var include: [String]
    /// `fill_left (v)`/`fill (v)`: the value used when a series of the right side has no match on the left.
    public var fillLeft: Double?
    /// `fill_right (v)`/`fill (v)`: the value used when a series of the left side has no match on the right.
    public var fillRight: Double?

    public init(
        cardinality: Cardinality = .oneToOne, labels: [String] = [], labelsMode: LabelsMode = .ignoring,
        include: [String] = [], fillLeft: Double? = nil, fillRight: Double? = nil
    ) {
        self.cardinality = cardinality
        self.labels = labels
        self.labelsMode = labelsMode
        self.include = include
        self.fillLeft = fillLeft
        self.fillRight = fillRight
    }

    public var hasFill: Bool { fillLeft != nil || fillRight != nil }

    public static func == (lhs: VectorMatching, rhs: VectorMatching) -> Bool {
        lhs.cardinality == rhs.cardinality && lhs.labels == rhs.labels && lhs.labelsMode == rhs.labelsMode
            && lhs.include == rhs.include && sameFill(lhs.fillLeft, rhs.fillLeft)
            && sameFill(lhs.fillRight, rhs.fillRight)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cardinality)
        hasher.combine(labels)
        hasher.combine(labelsMode)
        hasher.combine(include)
        hasher.combine(fillLeft.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern })
        hasher.combine(fillRight.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern })
    }

    private static func sameFill(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let x?, let y?): x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
        default: false
        }
    }
}
