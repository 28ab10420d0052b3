/// Engine internals for tests and benchmarks in this package: which automaton ran and how much
/// work it did.
extension RE2Regex {
    /// The automaton `matchWork(_:engine:)` runs.
    package enum Engine: Sendable {
        /// A fresh lazily built DFA with the given memory budget in bytes (small budgets force
        /// the cache to be emptied and rebuilt while matching).
        case dfa(memoryBudget: Int)
        /// Plain NFA simulation.
        case nfa
    }

    /// The outcome of one match and the work it took: DFA table look-ups plus NFA instructions
    /// expanded. Linear time means `work <= (input scalars + 1) × (programSize + 1)`.
    package struct MatchWork: Sendable {
        package var matched: Bool
        package var work: Int
    }

    /// Number of instructions in the compiled program.
    package var programSize: Int { matcher.program.size }

    /// Number of DFA alphabet intervals (code point classes the program distinguishes).
    package var alphabetSize: Int { matcher.program.alphabet.count }

    /// Matches `s` with the chosen automaton, bypassing the literal shortcuts and shared caches.
    package func matchWork(_ s: String, engine: Engine) -> MatchWork {
        var text = s
        var work = 0
        let matched = text.withUTF8 { bytes in
            switch engine {
            case .dfa(let budget):
                var dfa = LazyDFA(program: matcher.program, memoryBudget: budget)
                return dfa.run(bytes, work: &work)
            case .nfa:
                return matcher.program.simulate(bytes, work: &work)
            }
        }
        return MatchWork(matched: matched, work: work)
    }

    /// Matches through the regex's shared DFA caches (as `matches` does, minus the literal
    /// shortcuts), reporting the work.
    package func sharedMatchWork(_ s: String) -> MatchWork {
        var text = s
        var work = 0
        let matched = text.withUTF8 { matcher.runAutomaton($0, work: &work) }
        return MatchWork(matched: matched, work: work)
    }
}
