extension Expr {
    /// The tree with every position set to `.none` and each selector's matchers in printed order, so
    /// that trees that print the same compare equal with `==` (used to check printer round trips).
    public func normalizedForComparison() -> Expr {
        switch self {
        case .numberLiteral(var node):
            node.position = .none
            return .numberLiteral(node)
        case .stringLiteral(var node):
            node.position = .none
            return .stringLiteral(node)
        case .vectorSelector(let node):
            return .vectorSelector(node.normalized())
        case .matrixSelector(var node):
            node.vectorSelector = node.vectorSelector.normalized()
            node.range = node.range.normalized()
            node.position = .none
            return .matrixSelector(node)
        case .subquery(var node):
            node.expr = node.expr.normalizedForComparison()
            node.range = node.range.normalized()
            node.step = node.step?.normalized()
            node.offset = node.offset?.normalized()
            node.position = .none
            return .subquery(node)
        case .call(var node):
            node.args = node.args.map { $0.normalizedForComparison() }
            node.position = .none
            return .call(node)
        case .aggregate(var node):
            node.expr = node.expr.normalizedForComparison()
            node.param = node.param?.normalizedForComparison()
            node.position = .none
            return .aggregate(node)
        case .binary(var node):
            node.lhs = node.lhs.normalizedForComparison()
            node.rhs = node.rhs.normalizedForComparison()
            return .binary(node)
        case .unary(var node):
            node.expr = node.expr.normalizedForComparison()
            node.position = .none
            return .unary(node)
        case .paren(var node):
            node.expr = node.expr.normalizedForComparison()
            node.position = .none
            return .paren(node)
        }
    }
}

extension VectorSelector {
    fileprivate func normalized() -> VectorSelector {
        var copy = self
        copy.matchers.sort {
            Printer.matcherText($0).utf8.lexicographicallyPrecedes(Printer.matcherText($1).utf8)
        }
        copy.offset = offset?.normalized()
        copy.position = .none
        return copy
    }
}

extension DurationValue {
    fileprivate func normalized() -> DurationValue {
        switch self {
        case .milliseconds: self
        case .expression(let expr): .expression(expr.normalized())
        }
    }
}

extension DurationExpr {
    fileprivate func normalized() -> DurationExpr {
        switch self {
        case .number(var literal):
            literal.position = .none
            return .number(literal)
        case .step: return .step(.none)
        case .range: return .range(.none)
        case .minOf(let a, let b, _): return .minOf(a.normalized(), b.normalized(), .none)
        case .maxOf(let a, let b, _): return .maxOf(a.normalized(), b.normalized(), .none)
        case .negate(let inner, _): return .negate(inner.normalized(), start: 0)
        case .binary(let op, let lhs, let rhs): return .binary(op, lhs.normalized(), rhs.normalized())
        case .paren(let inner, _): return .paren(inner.normalized(), .none)
        }
    }
}
