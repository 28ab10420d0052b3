import PivotRegex

/// A label matcher as PromQL and the series APIs use it: `name op "value"`.
///
/// A series that lacks the label is matched as if the label had the empty value, so `{a=""}` selects
/// series without `a`, and `{a!~".+"}` does too. Regular expressions use RE2 syntax, are fully
/// anchored, let `.` match newlines (Prometheus 3), and run in linear time.
public struct LabelMatcher: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    public let kind: Kind
    public let name: String
    public let value: String
    private let regex: RE2Regex?

    /// Builds a matcher; a regex matcher whose pattern does not compile throws `RegexError`.
    public init(_ kind: Kind, _ name: String, _ value: String) throws(RegexError) {
        self.kind = kind
        self.name = name
        self.value = value
        switch kind {
        case .equal, .notEqual: regex = nil
        case .regexMatch, .regexNoMatch: regex = try RE2Regex(value)
        }
    }

    /// Whether a label value (the empty string for a missing label) satisfies the matcher.
    public func matches(_ candidate: String) -> Bool {
        switch kind {
        case .equal: candidate == value
        case .notEqual: candidate != value
        case .regexMatch: regex!.matches(candidate)
        case .regexNoMatch: !regex!.matches(candidate)
        }
    }

    /// Whether the matcher selects series that lack the label.
    public var matchesEmpty: Bool { matches("") }

    public func matches(_ labels: Labels) -> Bool { matches(labels[name]) }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(value)
    }

    public var description: String { "\(name)\(kind.rawValue)\"\(escapeLabelValue(value))\"" }
}
