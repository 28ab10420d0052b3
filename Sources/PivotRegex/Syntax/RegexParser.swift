/// Parses RE2 syntax, as Go's `regexp/syntax` accepts it with its Perl flags, into a `RegexNode`.
///
/// The parser starts in dot-all mode (`.` matches `\n`), which is how Prometheus wraps every
/// pattern (`^(?s:pattern)$`). It never recurses, so deeply nested input cannot exhaust the stack;
/// nesting deeper than `RegexLimits.maxNesting` groups is an error, as in Go.
struct RegexParser {
    /// Flags in effect at the current position; `(?flags)` changes them until the group closes.
    struct Flags: Hashable {
        /// `i`: letters match regardless of case (simple Unicode case folding).
        var foldCase = false
        /// `s`: `.` matches `\n`. On by default here (Prometheus semantics).
        var dotMatchesNewline = true
        /// The inverse of `m`: `^` and `$` match only at the ends of the text.
        var oneLine = true
        /// `U`: swaps greedy and lazy repetition. Parsed and ignored: laziness cannot change
        /// whether a string matches.
        var nonGreedy = false
    }

    /// An open group: what was parsed inside it so far.
    struct Frame {
        /// Flags to restore when the group closes.
        var savedFlags: Flags
        var branches: [RegexNode] = []
        var items: [RegexNode] = []
    }

    let scalars: [Unicode.Scalar]
    let limits: RegexLimits
    var position = 0
    var flags = Flags()
    var frames: [Frame]

    private init(_ pattern: String, limits: RegexLimits) {
        scalars = Array(pattern.unicodeScalars)
        self.limits = limits
        frames = [Frame(savedFlags: Flags())]
    }

    /// Parses a whole pattern; the result is the pattern's meaning before anchoring.
    static func parse(_ pattern: String, limits: RegexLimits = RegexLimits()) throws(RegexError) -> RegexNode {
        var parser = RegexParser(pattern, limits: limits)
        return try parser.parseAll()
    }

    // MARK: Main loop

    private mutating func parseAll() throws(RegexError) -> RegexNode {
        // Where the previous token started, when that token was a repetition operator.
        var lastRepetitionStart: Int?
        while position < scalars.count {
            var repetitionStart: Int?
            switch scalars[position] {
            case "(":
                if position + 1 < scalars.count, scalars[position + 1] == "?" {
                    try parseGroupPrefix()
                } else {
                    try openGroup()
                    position += 1
                }
            case "|":
                let frame = frames.count - 1
                frames[frame].branches.append(.concatenating(frames[frame].items))
                frames[frame].items = []
                position += 1
            case ")":
                try closeGroup()
                position += 1
            case "^":
                push(.assertion(flags.oneLine ? .beginText : .beginLine))
                position += 1
            case "$":
                push(.assertion(flags.oneLine ? .endText : .endLine))
                position += 1
            case ".":
                push(flags.dotMatchesNewline ? .anyScalar : .anyScalarExceptNewline)
                position += 1
            case "[":
                try parseClass()
            case "*", "+", "?":
                let start = position
                let bounds: (Int, Int?) =
                    switch scalars[position] {
                    case "*": (0, nil)
                    case "+": (1, nil)
                    default: (0, 1)
                    }
                position += 1
                try applyRepetition(min: bounds.0, max: bounds.1, operatorStart: start, after: lastRepetitionStart)
                repetitionStart = start
            case "{":
                let start = position
                guard let braces = parseBraces() else {
                    pushLiteral(scalars[position].value)
                    position += 1
                    break
                }
                if braces.min < 0 || braces.min > limits.maxRepeat || (braces.max ?? 0) > limits.maxRepeat
                    || (braces.max.map { braces.min > $0 } ?? false)
                {
                    throw RegexError(.invalidRepeatCount, expression: text(start..<braces.end))
                }
                position = braces.end
                try applyRepetition(min: braces.min, max: braces.max, operatorStart: start, after: lastRepetitionStart)
                repetitionStart = start
            case "\\":
                try parseBackslash()
            default:
                pushLiteral(scalars[position].value)
                position += 1
            }
            lastRepetitionStart = repetitionStart
        }
        if frames.count > 1 {
            throw RegexError(.missingClosingParenthesis, expression: text(0..<scalars.count))
        }
        let root = finish(frames[0])
        if Self.estimatedProgramSize(root, limit: limits.maxProgramSize) > limits.maxProgramSize {
            throw RegexError(.expressionTooLarge, expression: text(0..<scalars.count))
        }
        return root
    }

    // MARK: Stack of groups

    mutating func push(_ node: RegexNode) {
        frames[frames.count - 1].items.append(node)
    }

    /// Pushes one code point, expanded to its case-fold orbit when `(?i)` is on.
    mutating func pushLiteral(_ scalar: UInt32) {
        if flags.foldCase {
            push(.oneOf(ScalarSet([scalar...scalar]).caseFolded()))
        } else {
            push(.literal([scalar]))
        }
    }

    mutating func openGroup() throws(RegexError) {
        if frames.count > limits.maxNesting {
            throw RegexError(.nestingTooDeep, expression: text(0..<scalars.count))
        }
        frames.append(Frame(savedFlags: flags))
    }

    private mutating func closeGroup() throws(RegexError) {
        guard frames.count > 1 else {
            throw RegexError(.unexpectedParenthesis, expression: text(0..<scalars.count))
        }
        let frame = frames.removeLast()
        flags = frame.savedFlags
        push(finish(frame))
    }

    private func finish(_ frame: Frame) -> RegexNode {
        .alternating(frame.branches + [.concatenating(frame.items)])
    }

    /// Replaces the last item with its repetition; the operator text (and a lazy `?`) has been
    /// read up to `position` except for the lazy marker, which this consumes.
    private mutating func applyRepetition(
        min: Int, max: Int?, operatorStart: Int, after previousRepetition: Int?
    ) throws(RegexError) {
        if position < scalars.count, scalars[position] == "?" { position += 1 }
        if let previousRepetition {
            // a** or a+* : stacking repetition operators is an error in Perl syntax.
            throw RegexError(.invalidNestedRepetition, expression: text(previousRepetition..<position))
        }
        let frame = frames.count - 1
        guard let operand = frames[frame].items.popLast() else {
            throw RegexError(.missingRepetitionArgument, expression: text(operatorStart..<position))
        }
        let node = RegexNode.repetition(operand, min: min, max: max)
        if scalars[operatorStart] == "{", min >= 2 || (max ?? 0) >= 2,
            !Self.repetitionFits(node, budget: limits.maxRepeat)
        {
            throw RegexError(.invalidRepeatCount, expression: text(operatorStart..<position))
        }
        frames[frame].items.append(node)
    }

    /// Whether nested counted repetitions multiply to at most `budget` copies of the innermost item.
    private static func repetitionFits(_ node: RegexNode, budget: Int) -> Bool {
        switch node {
        case .repetition(let body, let min, let max):
            let count = max ?? min
            if max == 0 { return true }
            if count > budget { return false }
            return repetitionFits(body, budget: count > 0 ? budget / count : budget)
        case .concatenation(let items), .alternation(let items):
            return items.allSatisfy { repetitionFits($0, budget: budget) }
        default:
            return true
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `position`; `nil` when the text is not of that shape (then the
    /// brace is a literal). A number too large to read gives `min == -1`.
    private func parseBraces() -> (min: Int, max: Int?, end: Int)? {
        var cursor = position + 1
        guard var min = parseInteger(&cursor), cursor < scalars.count else { return nil }
        var max: Int?
        if scalars[cursor] != "," {
            max = min
        } else {
            cursor += 1
            guard cursor < scalars.count else { return nil }
            if scalars[cursor] != "}" {
                guard let upper = parseInteger(&cursor) else { return nil }
                if upper < 0 { min = -1 }
                max = upper
            }
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
        return (min, max, cursor + 1)
    }

    /// A decimal number without leading zeros; -1 when it is too large.
    private func parseInteger(_ cursor: inout Int) -> Int? {
        guard cursor < scalars.count, let first = Self.digitValue(scalars[cursor]) else { return nil }
        if first == 0, cursor + 1 < scalars.count, Self.digitValue(scalars[cursor + 1]) != nil { return nil }
        var value = 0
        while cursor < scalars.count, let digit = Self.digitValue(scalars[cursor]) {
            if value >= 100_000_000 { value = -1 } else if value >= 0 { value = value * 10 + digit }
            cursor += 1
        }
        return value
    }

    static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        scalar.value >= 0x30 && scalar.value <= 0x39 ? Int(scalar.value - 0x30) : nil
    }

    // MARK: Groups and flags

    /// Handles `(?` : named groups, non-capturing groups and flag changes.
    private mutating func parseGroupPrefix() throws(RegexError) {
        let start = position
        let remaining = scalars.count - start
        if remaining > 3, scalars[start + 2] == "<", scalars[start + 3] == "=" || scalars[start + 3] == "!" {
            throw RegexError(
                .unsupportedLookaround, wording: .invalidPerlSyntax, expression: text(start..<start + 4),
                hint: "lookbehind assertions are not supported in RE2 syntax")
        }
        let pythonName = remaining > 4 && scalars[start + 2] == "P" && scalars[start + 3] == "<"
        let perlName = remaining > 3 && scalars[start + 2] == "<"
        if pythonName || perlName {
            let nameStart = start + (pythonName ? 4 : 3)
            guard let close = scalars[start...].firstIndex(of: ">") else {
                throw RegexError(.invalidNamedCapture, expression: text(start..<scalars.count))
            }
            let name = scalars[nameStart..<close]
            if name.isEmpty || !name.allSatisfy(Self.isWordScalar) {
                throw RegexError(.invalidNamedCapture, expression: text(start..<close + 1))
            }
            try openGroup()
            position = close + 1
            return
        }

        var cursor = start + 2
        var newFlags = flags
        var negated = false
        var sawFlag = false
        scan: while cursor < scalars.count {
            let scalar = scalars[cursor]
            cursor += 1
            switch scalar {
            case "i": newFlags.foldCase = !negated
            case "m": newFlags.oneLine = negated
            case "s": newFlags.dotMatchesNewline = !negated
            case "U": newFlags.nonGreedy = !negated
            case "-":
                if negated { break scan }
                negated = true
                sawFlag = false
                continue scan
            case ":", ")":
                if negated && !sawFlag { break scan }
                if scalar == ":" { try openGroup() }
                flags = newFlags
                position = cursor
                return
            default:
                break scan
            }
            sawFlag = true
        }
        let expression = text(start..<cursor)
        if expression == "(?=" || expression == "(?!" {
            throw RegexError(
                .unsupportedLookaround, wording: .invalidPerlSyntax, expression: expression,
                hint: "lookahead assertions are not supported in RE2 syntax")
        }
        if expression == "(?P", cursor < scalars.count, scalars[cursor] == "=" {
            throw RegexError(
                .unsupportedBackreference, wording: .invalidPerlSyntax, expression: expression,
                hint: "backreferences are not supported in RE2 syntax")
        }
        throw RegexError(.invalidPerlSyntax, expression: expression)
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        NamedClasses.word.contains(scalar.value)
    }

    /// The pattern text for a range of scalar offsets.
    func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    // MARK: Size estimate

    /// Instructions the compiler will emit for `node`, saturating just above `limit`.
    static func estimatedProgramSize(_ node: RegexNode, limit: Int) -> Int {
        let cap = limit + 1
        func clamp(_ value: Int) -> Int { Swift.min(value, cap) }
        switch node {
        case .empty, .assertion, .characterClass, .anyScalar, .anyScalarExceptNewline:
            return 1
        case .literal(let scalars):
            return clamp(scalars.count)
        case .concatenation(let items):
            return items.reduce(0) { clamp($0 + estimatedProgramSize($1, limit: limit)) }
        case .alternation(let branches):
            return branches.reduce(branches.count) { clamp($0 + estimatedProgramSize($1, limit: limit)) }
        case .repetition(let body, let min, let max):
            let bodySize = estimatedProgramSize(body, limit: limit)
            let copies = Swift.max(max ?? min, 1)
            let (product, overflow) = bodySize.multipliedReportingOverflow(by: copies)
            return overflow ? cap : clamp(product + (max ?? min) - min + 1)
        }
    }
}
