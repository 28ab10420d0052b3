/// Parser settings. The experimental features default to off, as in a Prometheus server started
/// without `--enable-feature` flags.
public struct ParserOptions: Hashable, Sendable {
    /// Allows the functions and aggregations Prometheus marks experimental (`info`, `sort_by_label`,
    /// `limitk`, …; `--enable-feature=promql-experimental-functions`). Default false.
    public var enableExperimentalFunctions: Bool
    /// Allows duration arithmetic, `step()`, `range()`, `min_of()`, `max_of()` and parentheses inside
    /// `[…]` and after `offset` (`--enable-feature=promql-duration-expr`). Default false.
    public var experimentalDurationExpressions: Bool
    /// Allows the `anchored` and `smoothed` modifiers (`--enable-feature=promql-extended-range-selectors`).
    /// Default false.
    public var enableExtendedRangeSelectors: Bool
    /// Allows `fill()`, `fill_left()` and `fill_right()` after binary operators
    /// (`--enable-feature=promql-binop-fill-modifiers`). Default false.
    public var enableBinopFillModifiers: Bool
    /// The deepest expression tree accepted; deeper queries fail with a parse error instead of
    /// exhausting the stack (binary operator chains count one level per operator). Default 500.
    public var maxNestingDepth: Int

    public init(
        enableExperimentalFunctions: Bool = false, experimentalDurationExpressions: Bool = false,
        enableExtendedRangeSelectors: Bool = false, enableBinopFillModifiers: Bool = false,
        maxNestingDepth: Int = 500
    ) {
        self.enableExperimentalFunctions = enableExperimentalFunctions
        self.experimentalDurationExpressions = experimentalDurationExpressions
        self.enableExtendedRangeSelectors = enableExtendedRangeSelectors
        self.enableBinopFillModifiers = enableBinopFillModifiers
        self.maxNestingDepth = maxNestingDepth
    }

    /// Every experimental feature on: the configuration Prometheus's conformance scripts
    /// (`promql/promqltest`) run with.
    public static let allFeatures = ParserOptions(
        enableExperimentalFunctions: true, experimentalDurationExpressions: true,
        enableExtendedRangeSelectors: true, enableBinopFillModifiers: true)
}
