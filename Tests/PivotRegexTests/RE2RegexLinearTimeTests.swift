import PivotRegex
import Testing

@Suite("RE2Regex linear time")
struct RE2RegexLinearTimeTests {
    struct Hostile: CustomTestStringConvertible, Sendable {
        let pattern: String
        let input: String
        let expected: Bool
        var testDescription: String { "\(pattern) on \(input.unicodeScalars.count) scalars" }
    }

    static let length = 100_000
    static let hostile: [Hostile] = [
        Hostile(pattern: "(a+)+$", input: String(repeating: "a", count: length), expected: true),
        Hostile(pattern: "(a+)+$", input: String(repeating: "a", count: length) + "!", expected: false),
        Hostile(pattern: "(a|a)*b", input: String(repeating: "a", count: length), expected: false),
        Hostile(pattern: "(a|a)*b", input: String(repeating: "a", count: length) + "b", expected: true),
        Hostile(pattern: "(a*)*c", input: String(repeating: "a", count: length), expected: false),
        Hostile(pattern: "(x+x+)+y", input: String(repeating: "x", count: length), expected: false),
        Hostile(pattern: "(?:a?){30}a{30}", input: String(repeating: "a", count: length), expected: false),
        Hostile(pattern: #"(\w+\s?)+$"#, input: String(repeating: "word ", count: length / 5) + "!", expected: false),
        Hostile(pattern: ".*.*=.*", input: String(repeating: "x", count: length), expected: false),
    ]

    /// Work allowed for an input: a constant times (scalars + 1) times (program size + 1).
    static func bound(_ regex: RE2Regex, _ input: String) -> Int {
        2 * (input.unicodeScalars.count + 1) * (regex.programSize + 1)
    }

    @Test("Catastrophic-backtracking patterns finish with bounded work in every engine", arguments: hostile)
    func hostilePatterns(_ row: Hostile) throws {
        // The NFA, a roomy DFA and a DFA that must keep emptying its cache all stay within the linear bound.
        let regex = try RE2Regex(row.pattern)
        let bound = Self.bound(regex, row.input)
        for engine: RE2Regex.Engine in [.nfa, .dfa(memoryBudget: 1 << 20), .dfa(memoryBudget: 512)] {
            let result = regex.matchWork(row.input, engine: engine)
            #expect(result.matched == row.expected, "\(engine)")
            #expect(result.work <= bound, "\(engine): work \(result.work) > \(bound)")
        }
        #expect(regex.matches(row.input) == row.expected)
    }

    @Test("A cached DFA does about one step per scalar on later inputs")
    func warmCache() throws {
        // Once its states exist, the shared DFA costs one table look-up per input scalar.
        let regex = try RE2Regex(#"(x+x+)+y"#)
        let input = String(repeating: "x", count: 10_000)
        _ = regex.sharedMatchWork(input)
        let warm = regex.sharedMatchWork(input)
        #expect(!warm.matched)
        #expect(warm.work <= input.unicodeScalars.count + regex.programSize + 1)
    }

    @Test("A pattern with exponentially many DFA states stays linear and correct")
    func exponentialStates() throws {
        // (a|b)*a(a|b){18} needs 2^19 DFA states; the budgeted cache keeps emptying yet agrees with the NFA.
        let regex = try RE2Regex("(a|b)*a(a|b){18}")
        var generator = SplitMix64(seed: 7)
        let input = String((0..<20_000).map { _ in generator.next() % 2 == 0 ? Character("a") : Character("b") })
        let nfa = regex.matchWork(input, engine: .nfa)
        let dfa = regex.matchWork(input, engine: .dfa(memoryBudget: 64 << 10))
        #expect(nfa.matched == dfa.matched)
        #expect(nfa.matched == input.unicodeScalars.dropLast(18).last.map { $0 == "a" })
        #expect(dfa.work <= Self.bound(regex, input))
        #expect(nfa.work <= Self.bound(regex, input))
    }

    @Test("Non-ASCII input is matched scalar by scalar within the bound")
    func unicodeInput() throws {
        // Multi-byte scalars count once each, and classes of them match in linear time.
        let regex = try RE2Regex(#"(\p{L}+\p{Zs}?)+\p{N}"#)
        let input = String(repeating: "日本語 ", count: 5_000) + "٣"
        for engine: RE2Regex.Engine in [.nfa, .dfa(memoryBudget: 1 << 20)] {
            let result = regex.matchWork(input, engine: engine)
            #expect(result.matched)
            #expect(result.work <= Self.bound(regex, input))
        }
    }

    @Test("A long literal pattern compiles in linear time and matches itself")
    func longLiteral() throws {
        // 400,000 literal characters merge into one literal without recopying it per character (quadratic before:
        // a 2 MB pattern, refused as too large, took minutes to reach that verdict).
        let text = String(repeating: "ab", count: 200_000)
        let regex = try RE2Regex(text)
        #expect(regex.matches(text))
        #expect(!regex.matches(text + "a"))
        #expect(throws: RegexError.self) { try RE2Regex(String(repeating: "a", count: 2_000_000)) }
    }
}

/// A small deterministic random number generator for reproducible test data.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
