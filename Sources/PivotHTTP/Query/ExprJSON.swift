import PivotModel
import PivotPromQL

/// The syntax tree of `/api/v1/parse_query` as JSON, in the node shapes Prometheus's API uses
/// (`type` plus the node's fields; durations in milliseconds).
enum ExprJSON {
    static func encode(_ expr: Expr) -> String {
        switch expr {
        case .numberLiteral(let literal):
            return object(["type": q("numberLiteral"), "val": q(GoFloatFormat.apiValue(literal.value))])
        case .stringLiteral(let literal):
            return object(["type": q("stringLiteral"), "val": q(literal.value)])
        case .vectorSelector(let selector):
            return object(selectorFields(selector, type: "vectorSelector"))
        case .matrixSelector(let matrix):
            var fields = selectorFields(matrix.vectorSelector, type: "matrixSelector")
            fields["range"] = duration(matrix.range)
            return object(fields)
        case .subquery(let subquery):
            return object([
                "type": q("subquery"), "expr": encode(subquery.expr), "range": duration(subquery.range),
                "step": subquery.step.map(duration) ?? "0", "offset": subquery.offset.map(duration) ?? "0",
                "timestamp": timestamp(subquery.at), "startOrEnd": startOrEnd(subquery.at),
            ])
        case .call(let call):
            let function = object([
                "name": q(call.function.name),
                "argTypes": "[" + call.function.argumentTypes.map { q($0.rawValue) }.joined(separator: ",") + "]",
                "variadic": String(call.function.variadic), "returnType": q(call.function.returnType.rawValue),
            ])
            return object(["type": q("call"), "func": function, "args": "[" + call.args.map(encode).joined(separator: ",") + "]"])
        case .aggregate(let aggregate):
            return object([
                "type": q("aggregation"), "op": q(aggregate.op.name), "expr": encode(aggregate.expr),
                "param": aggregate.param.map(encode) ?? "null",
                "grouping": "[" + aggregate.grouping.map(q).joined(separator: ",") + "]",
                "without": aggregate.groupingMode == .without ? "true" : "false",
            ])
        case .binary(let binary):
            var matching = "null"
            if let vector = binary.matching {
                matching = object([
                    "card": q(vector.cardinality.rawValue),
                    "labels": "[" + vector.labels.map(q).joined(separator: ",") + "]",
                    "on": vector.labelsMode == .on ? "true" : "false",
                    "include": "[" + vector.include.map(q).joined(separator: ",") + "]",
                ])
            }
            return object([
                "type": q("binaryExpr"), "op": q(binary.op.symbol), "lhs": encode(binary.lhs), "rhs": encode(binary.rhs),
                "matching": matching, "bool": binary.returnBool ? "true" : "false",
            ])
        case .unary(let unary):
            return object(["type": q("unaryExpr"), "op": q(unary.op.rawValue), "expr": encode(unary.expr)])
        case .paren(let paren):
            return object(["type": q("parenExpr"), "expr": encode(paren.expr)])
        }
    }

    static func selectorFields(_ selector: VectorSelector, type: String) -> [String: String] {
        let matchers = selector.matchers.map { matcher in
            object(["type": q(matcher.kind.rawValue), "name": q(matcher.name), "value": q(matcher.value)])
        }
        return [
            "type": q(type), "name": q(selector.name ?? ""),
            "matchers": "[" + matchers.joined(separator: ",") + "]",
            "offset": selector.offset.map(duration) ?? "0",
            "timestamp": timestamp(selector.at), "startOrEnd": startOrEnd(selector.at),
        ]
    }

    static func duration(_ value: DurationValue) -> String {
        value.fixedMilliseconds.map(String.init) ?? q("\(value)")
    }

    static func timestamp(_ at: AtModifier?) -> String {
        if case .timestamp(let ms) = at { return String(ms) }
        return "null"
    }

    static func startOrEnd(_ at: AtModifier?) -> String {
        switch at {
        case .start: q("start")
        case .end: q("end")
        default: "null"
        }
    }

    static func q(_ text: String) -> String { JSONString.quote(text) }

    /// Keys in sorted order so the output is stable.
    static func object(_ fields: [String: String]) -> String {
        "{" + fields.keys.sorted().map { q($0) + ":" + fields[$0]! }.joined(separator: ",") + "}"
    }
}
