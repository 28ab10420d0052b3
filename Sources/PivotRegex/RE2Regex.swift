/// A regular expression in RE2 syntax, matched in linear time against whole strings.
///
/// The pattern is compiled as Prometheus 3 does, as if written `^(?s:pattern)$`: it must match the
/// entire string, and `.` matches `\n` unless `(?-s)` says otherwise. Matching works on Unicode
/// scalars (Go's runes), never backtracks, and takes time proportional to the input length times
/// the pattern size at worst; usually one table look-up per scalar, because a DFA is built lazily
/// and cached (within a fixed memory budget) in the regex and shared by its copies.
///
/// Syntax: everything Go's `regexp/syntax` accepts with its Perl flags — literals and escapes,
/// `\d \w \s \D \W \S`, `\p{…}`/`\P{…}` for Unicode general categories (`L`, `Lu`, `N`, `Nd`, …,
/// their long names, `Any`, `Assigned`, `ASCII`; scripts are rejected), `[…]` classes with ranges,
/// negation and `[:alpha:]`-style POSIX classes, `.`, `^ $ \A \z \b \B`, alternation, groups
/// (capturing, `(?:…)`, `(?P<name>…)`, `(?<name>…)`, all treated as non-capturing), repetition
/// `* + ? {n} {n,} {n,m}` and their lazy forms, flags `(?i) (?m) (?s) (?U)` and `(?flags:…)`,
/// and `\Q…\E`. Backreferences and lookaround are not RE2 and are rejected.
///
/// Equality and hashing compare patterns only.
public struct RE2Regex: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    let matcher: Matcher

    /// Compiles `pattern`; throws a `RegexError` worded like Go's when it is not valid RE2 syntax.
    public init(_ pattern: String) throws(RegexError) {
        try self.init(pattern, limits: RegexLimits())
    }

    init(_ pattern: String, limits: RegexLimits) throws(RegexError) {
        self.pattern = pattern
        let root = try RegexParser.parse(pattern, limits: limits)
        matcher = Matcher(root: root, limits: limits)
    }

    /// Whether the whole of `s` matches.
    public func matches(_ s: String) -> Bool {
        if let result = s.utf8.withContiguousStorageIfAvailable({ matcher.matches($0) }) { return result }
        var text = s
        return text.withUTF8 { matcher.matches($0) }
    }

    /// The strings this pattern matches, when they are finitely many (at most 256), e.g. `["foo"]`
    /// for `foo`, `["a", "b", "c"]` for `a|b|c` or `[abc]`, `["api", "web"]` for `(?:api|web)`.
    /// `nil` otherwise. Case-insensitive letters expand to each of their cases. The strings compare
    /// by Unicode scalars: look them up by their UTF-8 bytes (or scalars), not with `String`
    /// equality, which treats canonically equivalent strings as equal. An empty array means the
    /// pattern matches nothing.
    public var literalAlternatives: [String]? { matcher.literalAlternatives }

    /// A literal prefix every matching string starts with (compare by scalars); "" if none.
    public var literalPrefix: String { matcher.literalPrefix }

    /// Whether every string matches (the pattern is `.*`, give or take anchors).
    public var matchesEverything: Bool { matcher.matchesEverything }

    /// Whether exactly the non-empty strings match (the pattern is `.+`, give or take anchors).
    public var matchesNonEmptyEverything: Bool { matcher.matchesEveryNonEmptyString }

    public var description: String { pattern }

    public static func == (lhs: RE2Regex, rhs: RE2Regex) -> Bool { lhs.pattern == rhs.pattern }

    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}
