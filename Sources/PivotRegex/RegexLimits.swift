/// Bounds on what a pattern may cost to compile and to run.
struct RegexLimits: Hashable, Sendable {
    /// Largest count in `x{n,m}`, and largest product of nested counts. Default 1,000 (as Go).
    var maxRepeat = 1_000
    /// Deepest nesting of groups. Default 1,000 (as Go).
    var maxNesting = 1_000
    /// Largest compiled program, in instructions. Default 500,000.
    var maxProgramSize = 500_000
    /// Most strings `literalAlternatives` expands a pattern into. Default 256 (as Prometheus's
    /// set-matcher optimisation).
    var maxLiteralAlternatives = 256
    /// Memory one lazily built DFA may use for its transition table and state sets, in bytes;
    /// when full, the cache is emptied and rebuilt as needed. Default 2 MiB.
    var dfaMemoryBudget = 2 << 20
}
