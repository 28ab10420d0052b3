import PivotRegex

/// A TraceQL span filter: one spanset selector `{ … }` with attribute and intrinsic conditions joined
/// by `&&`, `||` and parentheses. `{}` selects every span.
///
/// Supported: `.attr`, `span.attr`, `resource.attr` (dotted names, quoted `."a b"`), intrinsics
/// `name`, `status`, `kind`, `duration` (also written `span:name` …); operators `= != =~ !~ > >= < <=`;
/// string, integer, float, boolean, duration (`10us`, `1.5s`, `2m`, `1h`), status
/// (`ok`/`error`/`unset`), kind (`server`/`client`/`producer`/`consumer`/`internal`/`unspecified`)
/// and `nil` literals. Everything else (pipelines, aggregates, structural operators, several spansets,
/// `select`, metrics functions, arithmetic, other intrinsics and scopes) is rejected with a
/// `TraceQLError` of code `.unsupported`.
public struct TraceQLQuery: Sendable, Hashable {
    /// A boolean combination of conditions.
    public indirect enum Expression: Sendable, Hashable {
        /// `{}`: every span.
        case all
        case condition(Condition)
        case and(Expression, Expression)
        case or(Expression, Expression)
    }

    /// Where an attribute is looked up.
    public enum AttributeScope: String, Sendable, Hashable {
        /// `.attr`: the span's attributes, then its resource's.
        case unscoped
        case span
        case resource
    }

    /// The left side of a comparison.
    public enum Field: Sendable, Hashable {
        case attribute(AttributeScope, String)
        /// The span name.
        case name
        /// The span status code.
        case status
        /// The span kind.
        case kind
        /// The span duration.
        case duration
    }

    public enum Operator: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNotMatch = "!~"
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
    }

    /// The right side of a comparison.
    public enum Literal: Sendable, Hashable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
        /// Nanoseconds.
        case duration(UInt64)
        /// `Status.StatusCode`: 0 unset, 1 ok, 2 error.
        case status(Int32)
        /// `Span.SpanKind`: 0 unspecified … 5 consumer.
        case kind(Int32)
        /// `nil`: with `=` the attribute is absent, with `!=` present.
        case `nil`
    }

    /// One comparison; `regex` is the compiled pattern for `=~` / `!~`.
    public struct Condition: Sendable, Hashable {
        public var field: Field
        public var op: Operator
        public var value: Literal
        public var regex: RE2Regex?

        public init(field: Field, op: Operator, value: Literal) throws(TraceQLError) {
            self.field = field
            self.op = op
            self.value = value
            if op == .regexMatch || op == .regexNotMatch {
                guard case .string(let pattern) = value else {
                    throw TraceQLError(code: .invalidComparison, message: "invalid TraceQL comparison: \(op.rawValue) needs a string")
                }
                do {
                    regex = try RE2Regex(pattern)
                } catch {
                    throw TraceQLError(code: .invalidRegex, message: "invalid TraceQL regex \"\(pattern)\": \(error.message)")
                }
            }
        }
    }

    public var expression: Expression

    /// The most conditions one query (or one `tags` parameter) may have: 1,000. Conditions combine into
    /// a tree as deep as their count, and evaluating or freeing a deeper one could exhaust the stack.
    public static let maxConditions = 1_000
    /// The deepest nesting of parentheses in a query: 64.
    public static let maxNestingDepth = 64

    static func tooManyConditions() -> TraceQLError {
        TraceQLError(code: .tooComplex, message: "invalid TraceQL query: more than \(maxConditions) conditions")
    }

    public init(expression: Expression) {
        self.expression = expression
    }

    /// Parses a TraceQL query of one spanset selector.
    public static func parse(_ text: String) throws(TraceQLError) -> TraceQLQuery {
        var parser = TraceQLParser(text)
        return TraceQLQuery(expression: try parser.parseQuery())
    }

    /// The attribute names the query compares, in order of first use (`service.name` for
    /// `resource.service.name`); Tempo reports these on the spans of a search result.
    public var attributeKeys: [String] {
        var keys: [String] = []
        func walk(_ e: Expression) {
            switch e {
            case .all: break
            case .and(let l, let r), .or(let l, let r):
                walk(l)
                walk(r)
            case .condition(let c):
                if case .attribute(_, let name) = c.field, !keys.contains(name) { keys.append(name) }
            }
        }
        walk(expression)
        return keys
    }
}
