extension TraceQLQuery {
    /// The query for Tempo's `tags` search parameter, logfmt pairs such as
    /// `service.name=api http.status_code=500 "key with space"="v"`: all pairs must hold. `service.name`
    /// is compared with the resource attribute, `name` with the span name, any other key with `.key`.
    /// A value that reads as an integer, float or boolean also matches an attribute of that type
    /// (`.http.status_code = "500" || .http.status_code = 500`); `status.code` (`ok`/`error`/`unset`)
    /// is the span status. Empty text is `{}`; a key given twice is an error (as in Tempo).
    ///
    /// Tempo's own (legacy) tag search matches string values as substrings; this is exact equality.
    public static func fromTempoTags(_ text: String) throws(TraceQLError) -> TraceQLQuery {
        var conditions: [Expression] = []
        var seen: Set<String> = []
        for (key, value) in try LogfmtPairs.parse(text) {
            guard seen.insert(key).inserted else {
                throw TraceQLError(code: .syntax, message: "invalid tags: tag \(key) has been set twice")
            }
            let status: Int32? = ["unset": 0, "ok": 1, "error": 2][value]
            switch key {
            case "status.code" where status != nil:
                conditions.append(.condition(try Condition(field: .status, op: .equal, value: .status(status!))))
            case "service.name": conditions.append(try equality(.attribute(.resource, key), value))
            case "name": conditions.append(.condition(try Condition(field: .name, op: .equal, value: .string(value))))
            default: conditions.append(try equality(.attribute(.unscoped, key), value))
            }
        }
        return TraceQLQuery(expression: try conjunction(conditions))
    }

    /// The query for Jaeger's `tags` search parameter, a JSON object of strings such as
    /// `{"http.status_code":"500","error":"true"}`: every tag must hold on the span or its process
    /// (resource). The tags Jaeger derives from OTLP fields map back to them: `error=true` is status
    /// error (or an `error` attribute), `span.kind` the kind, `otel.status_code` (`OK`/`ERROR`) the status.
    public static func fromJaegerTags(_ json: String) throws(TraceQLError) -> TraceQLQuery {
        var conditions: [Expression] = []
        for (key, value) in try JSONStringMap.parse(json) {
            switch (key, value.lowercased()) {
            case ("error", "true"):
                conditions.append(
                    .or(.condition(try Condition(field: .status, op: .equal, value: .status(2))), try equality(.attribute(.unscoped, key), value)))
            case ("error", "false"):
                conditions.append(.condition(try Condition(field: .status, op: .notEqual, value: .status(2))))
            case ("span.kind", let kind) where kindNumber(kind) != nil:
                conditions.append(.condition(try Condition(field: .kind, op: .equal, value: .kind(kindNumber(kind)!))))
            case ("otel.status_code", "ok"):
                conditions.append(.condition(try Condition(field: .status, op: .equal, value: .status(1))))
            case ("otel.status_code", "error"):
                conditions.append(.condition(try Condition(field: .status, op: .equal, value: .status(2))))
            default:
                conditions.append(try equality(.attribute(.unscoped, key), value))
            }
        }
        return TraceQLQuery(expression: try conjunction(conditions))
    }

    static func kindNumber(_ name: String) -> Int32? {
        switch name {
        case "internal": 1
        case "server": 2
        case "client": 3
        case "producer": 4
        case "consumer": 5
        default: nil
        }
    }

    /// `field = "value"`, or'ed with the typed reading of `value` when it has one.
    static func equality(_ field: Field, _ value: String) throws(TraceQLError) -> Expression {
        let text = Expression.condition(try Condition(field: field, op: .equal, value: .string(value)))
        let typed: Literal? =
            if let i = Int64(value) { .int(i) } else if let d = Double(value), d.isFinite { .double(d) } else if value == "true" {
                .bool(true)
            } else if value == "false" { .bool(false) } else { nil }
        guard let typed else { return text }
        return .or(text, .condition(try Condition(field: field, op: .equal, value: typed)))
    }

    /// All `parts` must hold; throws past `maxConditions` (the tree is as deep as the parts are many).
    static func conjunction(_ parts: [Expression]) throws(TraceQLError) -> Expression {
        guard parts.count <= maxConditions else { throw tooManyConditions() }
        guard var result = parts.first else { return .all }
        for part in parts.dropFirst() { result = .and(result, part) }
        return result
    }
}
