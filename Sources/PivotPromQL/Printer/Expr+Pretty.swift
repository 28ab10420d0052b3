extension Expr {
    /// Prometheus's `Prettify` output (`/api/v1/format_query` uses it): nodes whose one-line form is
    /// longer than `maxLineLength` bytes are split over several lines, indented by two spaces per level.
    public func prettyPrinted(maxLineLength: Int = 100) -> String {
        PrettyPrinter(maxLineLength: maxLineLength).pretty(self, level: 0)
    }
}

/// Prometheus's `prettier.go` rules.
private struct PrettyPrinter {
    let maxLineLength: Int

    func pretty(_ expr: Expr, level: Int) -> String {
        let indent = String(repeating: "  ", count: level)
        let oneLine = expr.description
        let needsSplit = oneLine.utf8.count > maxLineLength
        switch expr {
        case .aggregate(let aggregate):
            guard needsSplit else { return indent + oneLine }
            var out = indent + Printer.aggregateHead(aggregate) + "(\n"
            if let param = aggregate.param { out += pretty(param, level: level + 1) + ",\n" }
            return out + pretty(aggregate.expr, level: level + 1) + "\n" + indent + ")"
        case .binary(let binary):
            guard needsSplit else { return indent + oneLine }
            return pretty(binary.lhs, level: level + 1) + "\n" + indent + Printer.binaryOperatorText(binary) + "\n"
                + pretty(binary.rhs, level: level + 1)
        case .call(let call):
            guard needsSplit else { return indent + oneLine }
            let args = call.args.map { pretty($0, level: level + 1) }.joined(separator: ",\n")
            return indent + call.function.name + "(\n" + args + "\n" + indent + ")"
        case .paren(let paren):
            guard needsSplit else { return indent + oneLine }
            return indent + "(\n" + pretty(paren.expr, level: level + 1) + "\n" + indent + ")"
        case .subquery(let subquery):
            guard needsSplit else { return oneLine }
            return pretty(subquery.expr, level: level) + Printer.subquerySuffix(subquery)
        case .unary(let unary):
            let child = pretty(unary.expr, level: level)
            return indent + unary.op.rawValue + child.trimmingSpaces()
        case .numberLiteral, .stringLiteral, .vectorSelector, .matrixSelector:
            return indent + oneLine
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (Go's `strings.TrimSpace` for ASCII).
    fileprivate func trimmingSpaces() -> String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
