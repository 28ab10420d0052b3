extension TraceQLQuery {
    /// Facts every matching span must have, for the store to narrow a search with its indexes. Only
    /// conditions joined to the whole query by `&&` count (nothing under `||`).
    public struct Hints: Sendable, Hashable {
        /// From `resource.service.name = "x"`.
        public var serviceName: String?
        /// From `name = "x"`.
        public var spanName: String?
        /// Bounds on the *span* duration in nanoseconds, inclusive (`duration > 1s` gives 1s + 1ns),
        /// from `duration` comparisons. Not trace-duration bounds.
        public var minSpanDurationNanos: UInt64?
        public var maxSpanDurationNanos: UInt64?

        public init(serviceName: String? = nil, spanName: String? = nil, minSpanDurationNanos: UInt64? = nil, maxSpanDurationNanos: UInt64? = nil) {
            self.serviceName = serviceName
            self.spanName = spanName
            self.minSpanDurationNanos = minSpanDurationNanos
            self.maxSpanDurationNanos = maxSpanDurationNanos
        }
    }

    /// The hints of this query. Two different pinned values (`name = "a" && name = "b"`) keep the first.
    public var hints: Hints {
        var hints = Hints()
        var conjuncts: [Condition] = []
        func collect(_ e: Expression) {
            switch e {
            case .and(let l, let r):
                collect(l)
                collect(r)
            case .condition(let c): conjuncts.append(c)
            case .all, .or: break
            }
        }
        collect(expression)
        for c in conjuncts {
            switch (c.field, c.op, c.value) {
            case (.attribute(.resource, "service.name"), .equal, .string(let s)):
                if hints.serviceName == nil { hints.serviceName = s }
            case (.name, .equal, .string(let s)):
                if hints.spanName == nil { hints.spanName = s }
            case (.duration, let op, .duration(let d)):
                var low: UInt64?
                var high: UInt64?
                switch op {
                case .greater: low = d == .max ? .max : d + 1
                case .greaterOrEqual: low = d
                case .less: high = d == 0 ? 0 : d - 1
                case .lessOrEqual: high = d
                case .equal:
                    low = d
                    high = d
                default: break
                }
                if let low { hints.minSpanDurationNanos = max(hints.minSpanDurationNanos ?? 0, low) }
                if let high { hints.maxSpanDurationNanos = min(hints.maxSpanDurationNanos ?? .max, high) }
            default:
                break
            }
        }
        return hints
    }
}
