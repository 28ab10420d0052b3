import PivotModel

/// An instant vector selector: `name{matchers} @ t anchored offset d`.
public struct VectorSelector: Hashable, Sendable {
    /// The metric name when written before the braces (`foo{…}`); nil for `{"foo", …}` or `{__name__="foo"}`.
    public var name: String?
    /// Every matcher. A name written before the braces is included as `__name__="name"`, placed last.
    public var matchers: [LabelMatcher]
    /// The offset modifier as written (Prometheus's `OriginalOffset`): positive looks back in time.
    /// Nil when absent; `offset 0s` is treated as absent.
    public var offset: DurationValue?
    /// The `@` modifier.
    public var at: AtModifier?
    /// `anchored` or `smoothed` (experimental extended range selectors).
    public var rangeModifier: RangeModifier?
    public var position: PositionRange

    public init(
        name: String? = nil, matchers: [LabelMatcher], offset: DurationValue? = nil, at: AtModifier? = nil,
        rangeModifier: RangeModifier? = nil, position: PositionRange = .none
    ) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.rangeModifier = rangeModifier
        self.position = position
    }
}

/// A range vector selector: `selector[range]`, with any `@`, `offset`, `anchored` or `smoothed` written
/// after the range stored on `vectorSelector`.
public struct MatrixSelector: Hashable, Sendable {
    public var vectorSelector: VectorSelector
    /// The range; a literal range is in milliseconds.
    public var range: DurationValue
    public var position: PositionRange

    public init(vectorSelector: VectorSelector, range: DurationValue, position: PositionRange = .none) {
        self.vectorSelector = vectorSelector
        self.range = range
        self.position = position
    }
}

/// A subquery: `expr[range:step] @ t offset d`.
public struct Subquery: Hashable, Sendable {
    public var expr: Expr
    public var range: DurationValue
    /// The resolution step; nil for `[range:]`, which uses the engine's default step.
    public var step: DurationValue?
    /// The offset modifier as written; nil when absent or zero.
    public var offset: DurationValue?
    public var at: AtModifier?
    public var position: PositionRange

    public init(
        expr: Expr, range: DurationValue, step: DurationValue? = nil, offset: DurationValue? = nil,
        at: AtModifier? = nil, position: PositionRange = .none
    ) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
        self.position = position
    }
}

/// The `@` modifier.
public enum AtModifier: Hashable, Sendable {
    /// `@ <unix seconds>`, stored in milliseconds since the epoch (rounded to the nearest millisecond).
    case timestamp(milliseconds: Int64)
    /// `@ start()`: the start of the query range.
    case start
    /// `@ end()`: the end of the query range.
    case end
}

/// The experimental extended range selector modifiers.
public enum RangeModifier: String, Hashable, Sendable {
    case anchored
    case smoothed
}

/// A range, step or offset: either a fixed number of milliseconds or a duration expression that the
/// engine evaluates per query (`[step()*2]`, `offset (1h/2)`).
public enum DurationValue: Hashable, Sendable {
    case milliseconds(Int64)
    case expression(DurationExpr)

    /// The fixed value, or nil for an expression.
    public var fixedMilliseconds: Int64? {
        if case .milliseconds(let value) = self { return value }
        return nil
    }
}
