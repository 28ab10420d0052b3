import PivotRegex
import Testing

@Suite("RE2Regex literal helpers")
struct RE2RegexLiteralHelperTests {
    static let finiteSets: [(String, [String]?)] = [
        ("foo", ["foo"]),
        ("a|b|c", ["a", "b", "c"]),
        ("(?:api|web)", ["api", "web"]),
        ("(api|web)", ["api", "web"]),
        ("^(?:foo|bar)$", ["foo", "bar"]),
        ("^foo$|^bar$", ["foo", "bar"]),
        ("[ab]c", ["ac", "bc"]),
        ("ab?", ["a", "ab"]),
        ("a{2}", ["aa"]),
        ("(?:a|b){2}", ["aa", "ab", "ba", "bb"]),
        ("", [""]),
        ("a|", ["a", ""]),
        ("foo|foo", ["foo"]),
        (#"\Qa.b\E"#, ["a.b"]),
        (#"a\.b"#, ["a.b"]),
        ("(?i)ab", ["AB", "Ab", "aB", "ab"]),
        (#"[^\x00-\x{10FFFF}]"#, []),
        ("a.*", nil),
        ("a+", nil),
        (".", nil),
        (#"\bfoo"#, nil),
        ("a^b", nil),
        ("[a-z]{3}", nil),
        (#"\d{3}"#, nil),  // 1,000 strings: over the 256 limit
        ("[a-z]{2}", nil),  // 676 strings
        ("[0-9]{2}", (0..<100).map { $0 < 10 ? "0\($0)" : "\($0)" }),
    ]

    @Test("Finite sets of literal strings are listed", arguments: finiteSets.indices)
    func literalAlternatives(_ index: Int) throws {
        // literalAlternatives lists exactly the strings a finite pattern matches, and nil otherwise.
        let (pattern, expected) = Self.finiteSets[index]
        let regex = try RE2Regex(pattern)
        if let expected, let actual = regex.literalAlternatives {
            #expect(Set(actual) == Set(expected), "\(pattern)")
            #expect(actual.count == expected.count, "\(pattern): no duplicates")
            for string in actual { #expect(regex.matches(string), "\(pattern) must match \(string)") }
        } else {
            #expect(regex.literalAlternatives == nil && expected == nil, "\(pattern)")
        }
    }

    @Test("A single literal keeps its order and a set keeps first-seen order")
    func alternativeOrder() throws {
        // The alternatives come out in the order the pattern lists them.
        #expect(try RE2Regex("web|api|db").literalAlternatives == ["web", "api", "db"])
    }

    static let prefixes: [(String, String)] = [
        ("foo.*", "foo"),
        ("foo", "foo"),
        ("foo|foobar", "foo"),
        ("(?:abc|abd)x", "ab"),
        (".*foo", ""),
        ("(?i)foo", ""),
        ("a+b", "a"),
        ("(ab){2}c", "ababc"),
        ("^foo", "foo"),
        ("a?b", ""),
        ("ab*c", "a"),
        (#"\bfoo"#, "foo"),
        ("api_(?:get|put)_total", "api_"),
        ("héllo.+", "héllo"),
        ("", ""),
    ]

    @Test("A literal prefix of every match is reported", arguments: prefixes.indices)
    func literalPrefix(_ index: Int) throws {
        // literalPrefix is the longest literal every match must start with that the analysis finds.
        let (pattern, expected) = Self.prefixes[index]
        #expect(try RE2Regex(pattern).literalPrefix == expected, "\(pattern)")
    }

    @Test("Patterns equivalent to .* match everything")
    func matchesEverything() throws {
        // .* in its usual spellings is recognised; anything narrower is not.
        for pattern in [".*", "^.*$", "(?s:.*)", "(.*)", ".*?", "(?:.*)", #"[\s\S]*"#, ".*|a", #"\A.*\z"#] {
            let regex = try RE2Regex(pattern)
            #expect(regex.matchesEverything, "\(pattern)")
            #expect(!regex.matchesNonEmptyEverything, "\(pattern)")
            #expect(regex.matches("") && regex.matches("any\nthing"))
        }
        for pattern in ["(?-s).*", ".+", "a.*", "", "(?m).*$x"] {
            #expect(try !RE2Regex(pattern).matchesEverything, "\(pattern)")
        }
    }

    @Test("Patterns equivalent to .+ match every non-empty string")
    func matchesNonEmpty() throws {
        // .+ and its spellings are recognised, and they never match the empty string.
        for pattern in [".+", "^.+$", "..*", ".*.", "(?s:.+)", ".+?"] {
            let regex = try RE2Regex(pattern)
            #expect(regex.matchesNonEmptyEverything, "\(pattern)")
            #expect(!regex.matchesEverything, "\(pattern)")
            #expect(!regex.matches("") && regex.matches("x") && regex.matches("\n\n"))
        }
        for pattern in [".*", "(?-s).+", "a.+", ".{2,}"] {
            #expect(try !RE2Regex(pattern).matchesNonEmptyEverything, "\(pattern)")
        }
    }
}
