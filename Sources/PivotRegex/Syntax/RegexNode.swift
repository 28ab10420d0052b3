/// A parsed regular expression. Groups are gone (captures do not matter for a yes/no match),
/// flags are already applied (case folding turned letters into classes, `.` chose its form) and
/// laziness is dropped (it cannot change whether a string matches).
indirect enum RegexNode: Hashable, Sendable {
    /// Matches the empty string.
    case empty
    /// Matches exactly these code points, in order (never empty).
    case literal([UInt32])
    /// Matches one code point from the set (an empty set never matches).
    case characterClass(ScalarSet)
    /// Matches any one code point.
    case anyScalar
    /// Matches any one code point except `\n`.
    case anyScalarExceptNewline
    /// Matches the empty string where the assertion holds.
    case assertion(Assertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `min` to `max` copies (`max == nil`: unbounded).
    case repetition(RegexNode, min: Int, max: Int?)

    /// The empty-width assertions of RE2 syntax.
    enum Assertion: UInt8, Hashable, Sendable {
        /// `\A`, or `^` outside multi-line mode.
        case beginText
        /// `^` in multi-line mode: at the start or after `\n`.
        case beginLine
        /// `\z`, or `$` outside multi-line mode.
        case endText
        /// `$` in multi-line mode: at the end or before `\n`.
        case endLine
        /// `\b`: between an ASCII word character and a non-word character (or an end).
        case wordBoundary
        /// `\B`
        case notWordBoundary
    }

    /// A node matching exactly one code point of `set`, in its simplest form.
    static func oneOf(_ set: ScalarSet) -> RegexNode {
        if let scalar = set.singleScalar { return .literal([scalar]) }
        if set == .all { return .anyScalar }
        if set == .allButNewline { return .anyScalarExceptNewline }
        return .characterClass(set)
    }

    /// The concatenation of `items`, with adjacent literals merged and empties dropped.
    static func concatenating(_ items: [RegexNode]) -> RegexNode {
        var result: [RegexNode] = []
        result.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .empty:
                continue
            case .concatenation(let inner):
                for innerItem in inner { appendMerging(innerItem, to: &result) }
            default:
                appendMerging(item, to: &result)
            }
        }
        switch result.count {
        case 0: return .empty
        case 1: return result[0]
        default: return .concatenation(result)
        }
    }

    /// Appends `item`, extending a literal that ends `result` in place: the last element is taken out
    /// first so its scalars are uniquely referenced and grow without a copy (copying made a long
    /// literal pattern quadratic to parse: 2 MB took minutes).
    private static func appendMerging(_ item: RegexNode, to result: inout [RegexNode]) {
        if case .literal(let tail) = item, case .literal(var head)? = result.last {
            result.removeLast()
            head += tail
            result.append(.literal(head))
        } else {
            result.append(item)
        }
    }

    /// The alternation of `branches` (a single branch stands alone).
    static func alternating(_ branches: [RegexNode]) -> RegexNode {
        var flat: [RegexNode] = []
        for branch in branches {
            if case .alternation(let inner) = branch { flat += inner } else { flat.append(branch) }
        }
        return flat.count == 1 ? flat[0] : .alternation(flat)
    }
}
