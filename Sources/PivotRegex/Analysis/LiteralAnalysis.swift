/// Facts about a fully anchored pattern that let callers skip running it: the finite set of
/// strings it matches, a literal prefix of every match, and whether it matches everything.
enum LiteralAnalysis {
    /// `node` without `^`/`\A` at its start and `$`/`\z` at its end: those always hold at the
    /// ends of a fully anchored match. Alternatives at the top are stripped one by one.
    static func strippingOuterAnchors(_ node: RegexNode) -> RegexNode {
        switch node {
        case .assertion(.beginText), .assertion(.beginLine), .assertion(.endText), .assertion(.endLine):
            return .empty
        case .alternation(let branches):
            return .alternation(branches.map(strippingOuterAnchors))
        case .concatenation(var items):
            while let first = items.first, isBegin(first) { items.removeFirst() }
            while let last = items.last, isEnd(last) { items.removeLast() }
            return .concatenating(items)
        default:
            return node
        }
    }

    private static func isBegin(_ node: RegexNode) -> Bool {
        node == .assertion(.beginText) || node == .assertion(.beginLine)
    }

    private static func isEnd(_ node: RegexNode) -> Bool {
        node == .assertion(.endText) || node == .assertion(.endLine)
    }

    // MARK: Finite sets

    /// Every string the (stripped) node matches, in first-seen order without duplicates, or `nil`
    /// when there are infinitely many, more than `limit`, or the node has assertions left.
    static func alternatives(_ node: RegexNode, limit: Int) -> [[UInt32]]? {
        var budget = Budget(strings: limit, scalars: 1 << 16)
        guard let strings = expand(node, budget: &budget) else { return nil }
        return strings.filter { $0.allSatisfy { Unicode.Scalar($0) != nil } }
    }

    private struct Budget {
        var strings: Int
        var scalars: Int
    }

    private static func expand(_ node: RegexNode, budget: inout Budget) -> [[UInt32]]? {
        switch node {
        case .empty:
            return [[]]
        case .literal(let scalars):
            return [scalars]
        case .characterClass(let set):
            guard set.count <= budget.strings else { return nil }
            return set.ranges.flatMap { range in range.map { [$0] } }
        case .anyScalar, .anyScalarExceptNewline, .assertion:
            return nil
        case .concatenation(let items):
            var result: [[UInt32]] = [[]]
            for item in items {
                guard let tails = expand(item, budget: &budget),
                    let product = product(result, tails, budget: budget)
                else { return nil }
                result = product
            }
            return result
        case .alternation(let branches):
            var result: [[UInt32]] = []
            var seen = Set<[UInt32]>()
            for branch in branches {
                guard let strings = expand(branch, budget: &budget) else { return nil }
                for string in strings where seen.insert(string).inserted { result.append(string) }
                if result.count > budget.strings { return nil }
            }
            return result
        case .repetition(let body, let min, let max):
            guard let max, max - min < budget.strings else { return nil }
            guard let once = expand(body, budget: &budget) else { return nil }
            var result: [[UInt32]] = []
            var seen = Set<[UInt32]>()
            var copies: [[UInt32]] = [[]]
            for count in 0...max {
                if count > 0 {
                    guard let next = product(copies, once, budget: budget) else { return nil }
                    copies = next
                }
                if count >= min {
                    for string in copies where seen.insert(string).inserted { result.append(string) }
                    if result.count > budget.strings { return nil }
                }
            }
            return result
        }
    }

    /// All concatenations of a head with a tail, or `nil` if that exceeds the budget.
    private static func product(_ heads: [[UInt32]], _ tails: [[UInt32]], budget: Budget) -> [[UInt32]]? {
        guard heads.count * tails.count <= budget.strings else { return nil }
        var result: [[UInt32]] = []
        var total = 0
        for head in heads {
            for tail in tails {
                total += head.count + tail.count
                if total > budget.scalars { return nil }
                result.append(head + tail)
            }
        }
        return result
    }

    // MARK: Prefix

    /// A literal every match starts with, and whether the node matches exactly that literal.
    static func prefix(_ node: RegexNode) -> (prefix: [UInt32], exact: Bool) {
        switch node {
        case .empty, .assertion:
            return ([], true)
        case .literal(let scalars):
            return (scalars, true)
        case .characterClass, .anyScalar, .anyScalarExceptNewline:
            return ([], false)
        case .concatenation(let items):
            var result: [UInt32] = []
            for item in items {
                let (part, exact) = prefix(item)
                result += part
                if !exact { return (result, false) }
            }
            return (result, true)
        case .alternation(let branches):
            let parts = branches.map(prefix)
            var common = parts[0].prefix
            for part in parts.dropFirst() {
                common = Array(zip(common, part.prefix).prefix { $0 == $1 }.map(\.0))
            }
            let exact = parts.allSatisfy { $0.exact && $0.prefix == common }
            return (common, exact)
        case .repetition(let body, let min, let max):
            if max == 0 { return ([], true) }
            if min == 0 { return ([], false) }
            let (part, exact) = prefix(body)
            guard exact else { return (part, false) }
            var repeated: [UInt32] = []
            for _ in 0..<min where repeated.count < 4_096 { repeated += part }
            return (repeated, max == min && repeated.count == part.count * min)
        }
    }

    // MARK: Everything

    /// Whether the stripped node matches every string (`.*` with `.` matching `\n`).
    static func matchesEverything(_ node: RegexNode) -> Bool {
        switch node {
        case .repetition(.anyScalar, 0, nil): true
        case .alternation(let branches): branches.contains(where: matchesEverything)
        default: false
        }
    }

    /// Whether the stripped node matches every non-empty string and not the empty string (`.+`).
    static func matchesEveryNonEmptyString(_ node: RegexNode) -> Bool {
        switch node {
        case .repetition(.anyScalar, 1, nil):
            true
        case .concatenation(let items) where items.count == 2:
            (items[0] == .anyScalar && items[1] == .repetition(.anyScalar, min: 0, max: nil))
                || (items[1] == .anyScalar && items[0] == .repetition(.anyScalar, min: 0, max: nil))
        default:
            false
        }
    }
}
