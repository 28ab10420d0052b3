import Foundation
import PivotRegex
import Testing

/// Random patterns from the part of the syntax where RE2 and ICU (NSRegularExpression) agree on
/// whole-string matching: literals, `.`, simple classes, groups, alternation and repetition.
/// (These tests may use Foundation; the engine does not.)
struct RandomPatternGenerator {
    var random: SplitMix64
    let letters: [String]

    mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }

    mutating func alternation(depth: Int) -> String {
        let count = depth > 0 && random.next() % 4 == 0 ? 2 : 1
        return (0..<count).map { _ in concatenation(depth: depth) }.joined(separator: "|")
    }

    mutating func concatenation(depth: Int) -> String {
        let count = 1 + Int(random.next() % 3)
        return (0..<count).map { _ in piece(depth: depth) }.joined()
    }

    mutating func piece(depth: Int) -> String {
        let atom = atom(depth: depth)
        switch random.next() % 9 {
        case 0: return atom + "*"
        case 1: return atom + "+"
        case 2: return atom + "?"
        // No x{0}: ICU mishandles it inside loops (`(?:(c?.{0})*?c)|.*` fails to match "ab").
        case 3: return atom + pick(["{2}", "{1,2}", "{0,1}", "{2,}"])
        case 4: return atom + pick(["*?", "+?", "??"])
        default: return atom
        }
    }

    mutating func atom(depth: Int) -> String {
        switch random.next() % 8 {
        case 0: return "."
        case 1: return pick(["[ab]", "[^a]", "[a-c]", "[^bc]", #"[\n]"#, #"\w"#, #"\W"#, #"\s"#, "[[:alpha:]]"])
        case 2 where depth > 0: return "(?:" + alternation(depth: depth - 1) + ")"
        case 3 where depth > 0: return "(" + alternation(depth: depth - 1) + ")"
        default: return pick(letters)
        }
    }
}

@Suite("RE2Regex differential")
struct RE2RegexDifferentialTests {
    static func icuMatches(_ pattern: String, _ input: String) throws -> Bool {
        let regex = try NSRegularExpression(pattern: #"\A(?s:"# + pattern + #")\z"#)
        let range = NSRange(input.startIndex..., in: input)
        return regex.firstMatch(in: input, range: range) != nil
    }

    static func randomInput(_ random: inout SplitMix64, alphabet: [Character]) -> String {
        let length = Int(random.next() % 7)
        return String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    @Test("Random simple patterns agree with NSRegularExpression")
    func caseSensitive() throws {
        // 400 random patterns over a, b, c, each on 24 random inputs, give ICU's answers.
        var generator = RandomPatternGenerator(random: SplitMix64(seed: 20_240_611), letters: ["a", "b", "c"])
        var inputs = SplitMix64(seed: 99)
        var disagreements: [String] = []
        for _ in 0..<400 {
            let pattern = generator.alternation(depth: 2)
            let regex = try RE2Regex(pattern)
            for _ in 0..<24 {
                let input = Self.randomInput(&inputs, alphabet: ["a", "b", "c", "\n", " "])
                let expected = try Self.icuMatches(pattern, input)
                if regex.matches(input) != expected {
                    disagreements.append("\(pattern.debugDescription) ~ \(input.debugDescription): ICU says \(expected)")
                }
                if regex.matchWork(input, engine: .nfa).matched != expected {
                    disagreements.append("NFA \(pattern.debugDescription) ~ \(input.debugDescription)")
                }
            }
        }
        let count = disagreements.count
        #expect(count == 0, "first disagreements: \(disagreements.prefix(5))")
    }

    @Test("Random case-insensitive ASCII patterns agree with NSRegularExpression")
    func caseInsensitive() throws {
        // 200 random (?i) patterns over a, b, K give ICU's answers on mixed-case inputs.
        var generator = RandomPatternGenerator(random: SplitMix64(seed: 4_242), letters: ["a", "b", "K"])
        var inputs = SplitMix64(seed: 1_234)
        var disagreements: [String] = []
        for _ in 0..<200 {
            let pattern = "(?i)" + generator.alternation(depth: 2)
            let regex = try RE2Regex(pattern)
            for _ in 0..<24 {
                let input = Self.randomInput(&inputs, alphabet: ["a", "A", "b", "B", "k", "K", "\n"])
                let expected = try Self.icuMatches(pattern, input)
                if regex.matches(input) != expected {
                    disagreements.append("\(pattern.debugDescription) ~ \(input.debugDescription): ICU says \(expected)")
                }
            }
        }
        let count = disagreements.count
        #expect(count == 0, "first disagreements: \(disagreements.prefix(5))")
    }
}
