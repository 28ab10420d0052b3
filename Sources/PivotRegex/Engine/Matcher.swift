import Synchronization

/// The shared, immutable part of an `RE2Regex`: the program, what literal analysis found, and a
/// few lazily built DFA caches that concurrent callers take turns on.
final class Matcher: Sendable {
    let program: Program
    let literalAlternatives: [String]?
    let literalPrefix: String
    let matchesEverything: Bool
    let matchesEveryNonEmptyString: Bool
    /// UTF-8 of the one string the pattern matches, when there is exactly one.
    private let exactLiteral: [UInt8]?
    private let prefixBytes: [UInt8]
    /// Two DFA caches, so two threads can each match on a warm DFA at the same time; a third
    /// concurrent caller simulates the NFA rather than wait. Each is used only by whoever takes
    /// its lock without waiting.
    private let firstCache: Mutex<LazyDFA>
    private let secondCache: Mutex<LazyDFA>

    init(root: RegexNode, limits: RegexLimits) {
        program = Compiler.compile(root)
        let stripped = LiteralAnalysis.strippingOuterAnchors(root)
        let alternatives = LiteralAnalysis.alternatives(stripped, limit: limits.maxLiteralAlternatives)
        literalAlternatives = alternatives?.map(Self.string)
        exactLiteral = literalAlternatives.flatMap { $0.count == 1 ? Array($0[0].utf8) : nil }
        let prefix = LiteralAnalysis.prefix(stripped).prefix
        literalPrefix = Self.string(prefix.prefix { Unicode.Scalar($0) != nil })
        prefixBytes = Array(literalPrefix.utf8)
        matchesEverything = LiteralAnalysis.matchesEverything(stripped)
        matchesEveryNonEmptyString = LiteralAnalysis.matchesEveryNonEmptyString(stripped)
        firstCache = Mutex(LazyDFA(program: program, memoryBudget: limits.dfaMemoryBudget))
        secondCache = Mutex(LazyDFA(program: program, memoryBudget: limits.dfaMemoryBudget))
    }

    /// Whether the whole of `bytes` (valid UTF-8) matches.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if matchesEverything { return true }
        if matchesEveryNonEmptyString { return !bytes.isEmpty }
        if let exactLiteral { return bytes.elementsEqual(exactLiteral) }
        if literalAlternatives?.isEmpty == true { return false }
        if bytes.count < prefixBytes.count || !bytes.prefix(prefixBytes.count).elementsEqual(prefixBytes) {
            return false
        }
        var work = 0
        return runAutomaton(bytes, work: &work)
    }

    /// Runs a free DFA cache, or simulates the NFA when every cache is busy.
    func runAutomaton(_ bytes: UnsafeBufferPointer<UInt8>, work: inout Int) -> Bool {
        var cacheWork = 0
        if let result = firstCache.withLockIfAvailable({ $0.run(bytes, work: &cacheWork) })
            ?? secondCache.withLockIfAvailable({ $0.run(bytes, work: &cacheWork) })
        {
            work += cacheWork
            return result
        }
        return program.simulate(bytes, work: &work)
    }

    private static func string(_ scalars: [UInt32]) -> String {
        var view = String.UnicodeScalarView()
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        return String(view)
    }
}
