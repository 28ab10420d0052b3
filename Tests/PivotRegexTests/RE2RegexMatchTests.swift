import PivotRegex
import Testing

/// One row of the syntax table: a pattern, an input, and whether the whole input matches.
struct MatchCase: CustomTestStringConvertible, Sendable {
    let pattern: String
    let input: String
    let expected: Bool

    init(_ pattern: String, _ input: String, _ expected: Bool) {
        self.pattern = pattern
        self.input = input
        self.expected = expected
    }

    var testDescription: String {
        "\(pattern.debugDescription) ~ \(input.debugDescription) → \(expected)"
    }
}

enum MatchTable {
    static let literalsAndAnchoring: [MatchCase] = [
        MatchCase("foo", "foo", true),
        MatchCase("foo", "xfoo", false),
        MatchCase("foo", "foox", false),
        MatchCase("foo", "", false),
        MatchCase("", "", true),
        MatchCase("", "a", false),
        MatchCase("héllo", "héllo", true),
        MatchCase("日本", "日本", true),
        MatchCase("日本", "日", false),
        MatchCase("a b", "a b", true),
        MatchCase("é", "e\u{301}", false),  // scalars, not canonical equivalence
    ]

    static let dot: [MatchCase] = [
        MatchCase(".", "\n", true),
        MatchCase("a.b", "a\nb", true),
        MatchCase(".*", "line one\nline two", true),
        MatchCase("(?-s).", "\n", false),
        MatchCase("(?-s:a.b)", "a\nb", false),
        MatchCase("(?-s:a.b)", "axb", true),
        MatchCase(".", "é", true),
        MatchCase(".", "e\u{301}", false),
        MatchCase("..", "e\u{301}", true),
        MatchCase(".", "🙂", true),
        MatchCase(".", "", false),
    ]

    static let escapes: [MatchCase] = [
        MatchCase(#"\."#, ".", true),
        MatchCase(#"\."#, "a", false),
        MatchCase(#"a\+b"#, "a+b", true),
        MatchCase(#"\(\)\[\]\{\}\|\^\$\*\?\\"#, #"()[]{}|^$*?\"#, true),
        MatchCase(#"\t\n\r"#, "\t\n\r", true),
        MatchCase(#"\a\f\v"#, "\u{7}\u{C}\u{B}", true),
        MatchCase(#"\x41\x62"#, "Ab", true),
        MatchCase(#"\x{1F642}"#, "🙂", true),
        MatchCase(#"\x{41}"#, "A", true),
        MatchCase(#"\101"#, "A", true),
        MatchCase(#"\0"#, "\u{0}", true),
        MatchCase(#"\012"#, "\n", true),
        MatchCase(#"\_"#, "_", true),
        MatchCase("\\-\\#", "-#", true),
    ]

    static let perlClasses: [MatchCase] = [
        MatchCase(#"\d+"#, "0123456789", true),
        MatchCase(#"\d"#, "a", false),
        MatchCase(#"\d"#, "٣", false),  // ASCII digits only
        MatchCase(#"\D"#, "a", true),
        MatchCase(#"\D"#, "5", false),
        MatchCase(#"\w+"#, "a_Z9", true),
        MatchCase(#"\w"#, "é", false),
        MatchCase(#"\W"#, "-", true),
        MatchCase(#"\W"#, "x", false),
        MatchCase(#"\s+"#, " \t\n\r\u{C}", true),
        MatchCase(#"\s"#, "\u{B}", false),  // RE2's \s leaves out \v
        MatchCase(#"\S"#, "x", true),
        MatchCase(#"\S"#, " ", false),
    ]

    static let unicodeClasses: [MatchCase] = [
        MatchCase(#"\pL+"#, "héllo", true),
        MatchCase(#"\p{L}"#, "1", false),
        MatchCase(#"\p{N}+"#, "12٣Ⅻ", true),
        MatchCase(#"\pN"#, "x", false),
        MatchCase(#"\p{Lu}"#, "É", true),
        MatchCase(#"\p{Lu}"#, "é", false),
        MatchCase(#"\p{Ll}"#, "é", true),
        MatchCase(#"\p{Nd}"#, "٣", true),
        MatchCase(#"\PL"#, "1", true),
        MatchCase(#"\P{L}"#, "a", false),
        MatchCase(#"\p{^L}"#, "1", true),
        MatchCase(#"\P{^L}"#, "a", true),
        MatchCase(#"\p{Letter}"#, "ж", true),
        MatchCase(#"\p{Uppercase_Letter}"#, "Ж", true),
        MatchCase(#"\p{Any}"#, "\n", true),
        MatchCase(#"\p{Zs}"#, " ", true),
        MatchCase(#"\p{P}+"#, "!?,.", true),
        MatchCase(#"\p{S}"#, "€", true),
        MatchCase(#"[\p{L}\d]+"#, "ab12", true),
        MatchCase(#"[\p{Lu}\p{Nd}]+"#, "AB12", true),
        MatchCase(#"[^\p{L}]"#, "a", false),
        MatchCase(#"\p{ASCII}+"#, "abc~", true),
        MatchCase(#"\p{ASCII}"#, "é", false),
    ]

    static let bracketClasses: [MatchCase] = [
        MatchCase("[abc]", "b", true),
        MatchCase("[abc]", "d", false),
        MatchCase("[a-z]+", "hello", true),
        MatchCase("[a-z]", "A", false),
        MatchCase("[a-cx-z]+", "abxz", true),
        MatchCase("[^a-z]", "A", true),
        MatchCase("[^a-z]", "q", false),
        MatchCase("[^a]", "\n", true),
        MatchCase("[]a]", "]", true),
        MatchCase("[^]a]", "b", true),
        MatchCase("[^]a]", "]", false),
        MatchCase("[a-]", "-", true),
        MatchCase("[-a]", "-", true),
        MatchCase(#"[\d-z]"#, "-", true),
        MatchCase(#"[\]]"#, "]", true),
        MatchCase(#"[\n]"#, "\n", true),
        MatchCase(#"[\x{1F600}-\x{1F64F}]"#, "🙂", true),
        MatchCase("[α-ω]", "λ", true),
        MatchCase("[α-ω]", "Λ", false),
        MatchCase("[.]", ".", true),
        MatchCase("[.]", "a", false),
        MatchCase("[[:alpha:]]+", "abcXYZ", true),
        MatchCase("[[:alpha:]]", "1", false),
        MatchCase("[[:^alpha:]]", "1", true),
        MatchCase("[[:digit:][:upper:]]+", "A1B2", true),
        MatchCase("[[:space:]]", "\u{B}", true),
        MatchCase("[[:punct:]]+", "!/@`~", true),
        MatchCase("[[:xdigit:]]+", "09afAF", true),
        MatchCase("[[:xdigit:]]", "g", false),
        MatchCase("[[:word:]]", "_", true),
        MatchCase("[[:alnum:]]", "_", false),
        MatchCase("[[:lower:]]", "a", true),
        MatchCase("[[:blank:]]", "\t", true),
        MatchCase("[[:cntrl:]]", "\u{7F}", true),
        MatchCase("[[:print:]]", " ", true),
        MatchCase("[[:graph:]]", " ", false),
        MatchCase("[[:ascii:]]", "é", false),
        MatchCase("[:alpha:]", "a", true),  // not a POSIX class outside brackets: a set of : a l p h
        MatchCase(#"[^\x00-\x{10FFFF}]"#, "a", false),
        MatchCase(#"[^\D]"#, "7", true),
        MatchCase(#"[\W\d]"#, "-", true),
    ]

    static let anchorsAndAssertions: [MatchCase] = [
        MatchCase("^foo$", "foo", true),
        MatchCase(#"\Afoo\z"#, "foo", true),
        MatchCase("a^b", "ab", false),
        MatchCase("a$b", "ab", false),
        MatchCase("^", "", true),
        MatchCase("$", "", true),
        MatchCase("a$", "a", true),
        MatchCase(#"a$\n"#, "a\n", false),  // $ is \z outside multi-line mode
        MatchCase(#"(?m)a$\n^b"#, "a\nb", true),
        MatchCase(#"a$\nb"#, "a\nb", false),
        MatchCase(#"(?m:^a$)"#, "a", true),
        MatchCase(#"(?m)^$"#, "", true),
        MatchCase(#"(?m).*^b"#, "a\nb", true),
        MatchCase(#"(?m).*^b"#, "ab", false),
        MatchCase(#"\A\A"#, "", true),
        MatchCase(#"a\b-"#, "a-", true),
        MatchCase(#"a\bb"#, "ab", false),
        MatchCase(#"a\Bb"#, "ab", true),
        MatchCase(#"a\B-"#, "a-", false),
        MatchCase(#"\bfoo\b"#, "foo", true),
        MatchCase(#"\b"#, "", false),
        MatchCase(#"\B"#, "", true),
        MatchCase(#".*\bend"#, "the end", true),
        MatchCase(#".*\bend"#, "theend", false),
        MatchCase(#"é\b"#, "é", false),  // \b is ASCII-only: é is not a word character
    ]

    static let alternationAndGroups: [MatchCase] = [
        MatchCase("a|b|c", "b", true),
        MatchCase("a|b|c", "ab", false),
        MatchCase("foo|foobar", "foobar", true),
        MatchCase("foo|foobar", "foob", false),
        MatchCase("|a", "", true),
        MatchCase("a|", "", true),
        MatchCase("a||b", "", true),
        MatchCase(#"(?:api|web)-\d+"#, "web-12", true),
        MatchCase(#"(?:api|web)-\d+"#, "db-12", false),
        MatchCase("(ab)+", "abab", true),
        MatchCase("(ab)+", "aba", false),
        MatchCase("(?:ab)*", "", true),
        MatchCase("(?P<name>a+)b", "aab", true),
        MatchCase("(?<name>x)y", "xy", true),
        MatchCase("((a)(b))", "ab", true),
        MatchCase("()", "", true),
        MatchCase("(|x)y", "y", true),
        MatchCase("(?:(?:(?:a)))", "a", true),
    ]

    static let repetition: [MatchCase] = [
        MatchCase("a*", "", true),
        MatchCase("a*", "aaa", true),
        MatchCase("a+", "", false),
        MatchCase("a+", "aaa", true),
        MatchCase("a?", "a", true),
        MatchCase("a?", "aa", false),
        MatchCase("ab*", "abbb", true),
        MatchCase("ab*", "abab", false),
        MatchCase("a{3}", "aaa", true),
        MatchCase("a{3}", "aa", false),
        MatchCase("a{2,}", "aaaaa", true),
        MatchCase("a{2,}", "a", false),
        MatchCase("a{2,3}", "aaa", true),
        MatchCase("a{2,3}", "aaaa", false),
        MatchCase("a{0}", "", true),
        MatchCase("a{0}b", "b", true),
        MatchCase("a{0,0}", "a", false),
        MatchCase("a*?", "aa", true),
        MatchCase("a+?b", "aab", true),
        MatchCase("a??", "", true),
        MatchCase("a{2,3}?", "aa", true),
        MatchCase("a{2,}?", "aaaa", true),
        MatchCase("a{,2}", "a{,2}", true),  // not a repetition: literal text
        MatchCase("a{", "a{", true),
        MatchCase("{", "{", true),
        MatchCase("a{1,2", "a{1,2", true),
        MatchCase("x{01}", "x{01}", true),
        MatchCase("(a|b){2}c", "bac", true),
        MatchCase("(a|b){2}c", "bc", false),
        MatchCase("[ab]{1000}", String(repeating: "ab", count: 500), true),
        MatchCase("[ab]{1000}", String(repeating: "ab", count: 499), false),
        MatchCase("(a{2}){3}", "aaaaaa", true),
        MatchCase("(a{2}){3}", "aaaaa", false),
        MatchCase("^*a", "a", true),
        MatchCase("(?:)*", "", true),
        MatchCase("(a*)*", "aaaa", true),
        MatchCase("(a*)+b", "b", true),
        MatchCase("(?:a?){3}a{3}", "aaa", true),
        MatchCase("a(?i)*", "aaa", true),  // a flag group adds nothing: * applies to a
    ]

    static let flags: [MatchCase] = [
        MatchCase("(?i)foo", "FoO", true),
        MatchCase("(?i)foo", "FoX", false),
        MatchCase("(?i)k", "\u{212A}", true),  // KELVIN SIGN
        MatchCase("(?i)\u{212A}", "k", true),
        MatchCase("(?i)s", "ſ", true),
        MatchCase("(?i)σ", "Σ", true),
        MatchCase("(?i)σ", "ς", true),
        MatchCase("(?i)é", "É", true),
        MatchCase("(?i)ж", "Ж", true),
        MatchCase("(?i)ß", "ẞ", true),
        MatchCase("(?i)µ", "Μ", true),  // MICRO SIGN and GREEK CAPITAL MU
        MatchCase("(?i)ϑ", "Θ", true),
        MatchCase("(?i)\u{212B}", "å", true),  // ANGSTROM SIGN
        MatchCase("(?i)[k-l]", "\u{212A}", true),
        MatchCase("(?i)straße", "STRASSE", false),  // simple folding only, like Go
        MatchCase("(?i)ı", "I", false),
        MatchCase("(?i)I", "ı", false),
        MatchCase("(?i)İ", "i", false),
        MatchCase("(?i)ǅ", "ǆ", true),
        MatchCase("(?i)ǅ", "Ǆ", true),
        MatchCase("(?i)[a-c]+", "AbC", true),
        MatchCase("(?i)[^k]", "K", false),
        MatchCase("(?i)[^k]", "\u{212A}", false),
        MatchCase("(?i)[[:upper:]]", "a", true),
        MatchCase(#"(?i)\W"#, "\u{212A}", false),  // Go folds \w before negating
        MatchCase(#"(?i)\p{Lu}"#, "é", true),
        MatchCase("(?i:a)b", "Ab", true),
        MatchCase("(?i:a)b", "AB", false),
        MatchCase("a(?i)b", "aB", true),
        MatchCase("a(?i)b", "AB", false),
        MatchCase("(?i)a(?-i)b", "Ab", true),
        MatchCase("(?i)a(?-i)b", "AB", false),
        MatchCase("(a(?i)b)c", "aBc", true),
        MatchCase("(a(?i)b)c", "aBC", false),
        MatchCase("(?i)a|b", "B", true),
        MatchCase("(?i-s:a.)", "A\n", false),
        MatchCase("(?is)a.", "A\n", true),
        MatchCase("(?U)a+", "aaa", true),
        MatchCase("(?U)a+?", "aaa", true),
        MatchCase("(?s).", "\n", true),
        MatchCase("(?m)^b", "b", true),
        MatchCase("(?)a", "a", true),
        MatchCase(#"(?i)\Qab\E"#, "AB", true),
    ]

    static let quoting: [MatchCase] = [
        MatchCase(#"\Qa.b\E"#, "a.b", true),
        MatchCase(#"\Qa.b\E"#, "axb", false),
        MatchCase(#"\Qa+"#, "a+", true),
        MatchCase(#"x\Q*\Ey"#, "x*y", true),
        MatchCase(#"\Qab\E+"#, "abbb", true),
        MatchCase(#"\Q\E"#, "", true),
        MatchCase(#"\Q(?i)\E"#, "(?i)", true),
    ]

    static let realWorld: [MatchCase] = [
        MatchCase("5..", "503", true),
        MatchCase("5..", "5030", false),
        MatchCase("2..|3..", "304", true),
        MatchCase(".*-east-.*", "us-east-1", true),
        MatchCase(".*-east-.*", "us-west-1", false),
        MatchCase("GET|POST", "GET", true),
        MatchCase("GET|POST", "get", false),
        MatchCase("/api/v1/.+", "/api/v1/query", true),
        MatchCase("/api/v1/.+", "/api/v1/", false),
        MatchCase(#"[0-9a-f]{32}"#, "0123456789abcdef0123456789abcdef", true),
        MatchCase(#"10\.0\.\d{1,3}\.\d{1,3}:\d+"#, "10.0.12.7:9100", true),
        MatchCase("(?i).*error.*", "Fatal ERROR here", true),
        MatchCase("node_.*_bytes", "node_memory_MemFree_bytes", true),
    ]

    static var all: [MatchCase] {
        literalsAndAnchoring + dot + escapes + perlClasses + unicodeClasses + bracketClasses
            + anchorsAndAssertions + alternationAndGroups + repetition + flags + quoting + realWorld
    }
}

@Suite("RE2Regex matching")
struct RE2RegexMatchTests {
    @Test("Every syntax feature matches whole inputs as RE2 does", arguments: MatchTable.all)
    func syntaxTable(_ row: MatchCase) throws {
        // Each pattern accepts or rejects its input exactly as Go's regexp would with ^(?s:…)$.
        let regex = try RE2Regex(row.pattern)
        #expect(regex.matches(row.input) == row.expected)
    }

    @Test("The DFA, the NFA and the public entry point agree on every table row", arguments: MatchTable.all)
    func enginesAgree(_ row: MatchCase) throws {
        // The lazy DFA (roomy and starved of memory) and NFA simulation give the public answer.
        let regex = try RE2Regex(row.pattern)
        #expect(regex.matchWork(row.input, engine: .nfa).matched == row.expected)
        #expect(regex.matchWork(row.input, engine: .dfa(memoryBudget: 1 << 20)).matched == row.expected)
        #expect(regex.matchWork(row.input, engine: .dfa(memoryBudget: 0)).matched == row.expected)
        #expect(regex.sharedMatchWork(row.input).matched == row.expected)
    }

    @Test("Matching is anchored at both ends")
    func anchoring() throws {
        // A pattern must cover the whole value, never a substring of it.
        let regex = try RE2Regex("foo")
        #expect(regex.matches("foo"))
        #expect(!regex.matches("xfoo"))
        #expect(!regex.matches("foox"))
        #expect(!regex.matches("xfoox"))
    }

    @Test("Equality and hashing follow the pattern text")
    func equality() throws {
        // Two regexes compiled from the same text are equal and hash alike; different texts differ.
        let first = try RE2Regex("a|b")
        let second = try RE2Regex("a|b")
        let third = try RE2Regex("b|a")
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != third)
        #expect(first.pattern == "a|b")
        #expect(Set([first, second, third]).count == 2)
    }

    @Test("Nesting up to the limit of 1000 groups compiles and matches")
    func deepNesting() throws {
        // 1000 nested groups are accepted (Go accepts as many non-capturing ones) and act like the literal.
        let pattern = String(repeating: "(?:", count: 1000) + "a" + String(repeating: ")", count: 1000)
        let regex = try RE2Regex(pattern)
        #expect(regex.matches("a"))
        #expect(!regex.matches("aa"))
    }

    @Test("Deeply nested alternations and repetitions compile and match without exhausting the stack")
    func deepStructure() throws {
        // 1000 levels of (?:a|…)* build a tall tree that every pass walks; matching stays correct.
        var pattern = "x"
        for _ in 0..<1000 { pattern = "(?:a|" + pattern + ")*" }
        let regex = try RE2Regex(pattern + "y")
        #expect(regex.matches("aaxay"))
        #expect(regex.matches("y"))
        #expect(!regex.matches("aab"))
        #expect(regex.matchWork("axa", engine: .nfa).matched == false)
    }

    @Test("A regex shared by concurrent tasks answers every call correctly")
    func concurrentUse() async throws {
        // Concurrent callers contend for the DFA caches and fall back to the NFA; all answers stay right.
        let regex = try RE2Regex(#"(?:api|web)-\d{1,4}-[a-z]+"#)
        let inputs = (0..<400).map { index in
            index % 3 == 0 ? "api-\(index)-x" : index % 3 == 1 ? "web-\(index)-yz" : "db-\(index)-x"
        }
        let failures = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var failures = 0
                    for round in 0..<50 {
                        let input = inputs[(worker * 50 + round) % inputs.count]
                        if regex.matches(input) != !input.hasPrefix("db") { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
