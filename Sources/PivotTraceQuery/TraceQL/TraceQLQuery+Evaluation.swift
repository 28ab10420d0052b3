import PivotModel
import PivotRegex

extension TraceQLQuery {
    /// Whether `span` (with its `resource`) satisfies the query, with TraceQL semantics: a missing
    /// attribute makes its comparison false (whatever the operator, except `= nil`); `.attr` reads the
    /// span's attribute and falls back to the resource's; integers and floats compare numerically;
    /// strings compare by their bytes; values of different kinds (string vs number, bool vs number)
    /// never match; regexes must match the whole value (RE2).
    public func matches(span: SpanBatch.Span, resource: SpanBatch.Resource) -> Bool {
        Self.evaluate(expression, span: span, resource: resource)
    }

    /// `matches` as a closure for `TraceSearchQuery.spanFilter`.
    public var spanFilter: @Sendable (SpanBatch.Span, SpanBatch.Resource) -> Bool {
        let query = self
        return { span, resource in query.matches(span: span, resource: resource) }
    }

    static func evaluate(_ expression: Expression, span: SpanBatch.Span, resource: SpanBatch.Resource) -> Bool {
        switch expression {
        case .all: true
        case .and(let l, let r): evaluate(l, span: span, resource: resource) && evaluate(r, span: span, resource: resource)
        case .or(let l, let r): evaluate(l, span: span, resource: resource) || evaluate(r, span: span, resource: resource)
        case .condition(let c): c.matches(span: span, resource: resource)
        }
    }
}

extension TraceQLQuery.Condition {
    func matches(span: SpanBatch.Span, resource: SpanBatch.Resource) -> Bool {
        switch field {
        case .name:
            return compare(.string(span.name))
        case .status:
            guard case .status(let code) = value else { return false }
            return (span.statusCode == code) == (op == .equal)
        case .kind:
            guard case .kind(let kind) = value else { return false }
            return (span.kind == kind) == (op == .equal)
        case .duration:
            guard case .duration(let limit) = value else { return false }
            return order(span.durationNanos, limit)
        case .attribute(let scope, let key):
            let found = Self.lookup(key, scope: scope, span: span, resource: resource)
            if case .nil = value {
                return (found == nil) == (op == .equal)
            }
            guard let found else { return false }
            return compare(found)
        }
    }

    static func lookup(
        _ key: String, scope: TraceQLQuery.AttributeScope, span: SpanBatch.Span, resource: SpanBatch.Resource
    ) -> SpanAttribute.Value? {
        if scope != .resource, let value = span.attribute(key) { return value }
        if scope != .span {
            if let a = resource.attributes.first(where: { $0.key == key }) { return a.value }
            if key == "service.name", !resource.serviceName.isEmpty { return .string(resource.serviceName) }
        }
        return nil
    }

    func order<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .regexMatch, .regexNotMatch: false
        }
    }

    func compare(_ actual: SpanAttribute.Value) -> Bool {
        switch (actual, value) {
        case (.string(let s), .string(let expected)), (.other(let s), .string(let expected)):
            switch op {
            case .regexMatch: return regex?.matches(s) ?? false
            case .regexNotMatch: return !(regex?.matches(s) ?? true)
            // Byte-wise, as Go compares strings (Swift's == would equate canonically equivalent text).
            default: return order(BytewiseString(s), BytewiseString(expected))
            }
        case (.int(let i), .int(let expected)):
            return order(i, expected)
        case (.int(let i), .double(let expected)):
            return order(Double(i), expected)
        case (.double(let d), .int(let expected)):
            return order(d, Double(expected))
        case (.double(let d), .double(let expected)):
            return order(d, expected)
        case (.bool(let b), .bool(let expected)):
            return op == .equal ? b == expected : op == .notEqual ? b != expected : false
        default:
            return false
        }
    }
}

/// A string ordered and compared by its UTF-8 bytes.
struct BytewiseString: Comparable {
    var bytes: [UInt8]

    init(_ s: String) { bytes = Array(s.utf8) }

    static func < (a: BytewiseString, b: BytewiseString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
