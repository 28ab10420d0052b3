/// A PromQL expression: the abstract syntax tree the parser produces and the printer writes back.
///
/// Every node carries its `PositionRange` in the query text. Two trees compare equal with `==` only
/// when their positions match too; `normalizedForComparison()` drops positions and matcher order.
public indirect enum Expr: Hashable, Sendable {
    case numberLiteral(NumberLiteral)
    case stringLiteral(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(Subquery)
    case call(Call)
    case aggregate(Aggregate)
    case binary(Binary)
    case unary(Unary)
    case paren(Paren)
}

extension Expr {
    /// The type the expression evaluates to, as Prometheus's `Expr.Type()` defines it.
    public var type: ValueType {
        switch self {
        case .numberLiteral: .scalar
        case .stringLiteral: .string
        case .vectorSelector: .vector
        case .matrixSelector, .subquery: .matrix
        case .call(let call): call.function.returnType
        case .aggregate: .vector
        case .binary(let binary): binary.type
        case .unary(let unary): unary.expr.type
        case .paren(let paren): paren.expr.type
        }
    }

    /// Where the expression sits in the query text.
    public var position: PositionRange {
        switch self {
        case .numberLiteral(let node): node.position
        case .stringLiteral(let node): node.position
        case .vectorSelector(let node): node.position
        case .matrixSelector(let node): node.position
        case .subquery(let node): node.position
        case .call(let node): node.position
        case .aggregate(let node): node.position
        case .binary(let node): node.position
        case .unary(let node): node.position
        case .paren(let node): node.position
        }
    }

    /// The direct sub-expressions, left to right (an aggregation's parameter comes before its body).
    public var children: [Expr] {
        switch self {
        case .numberLiteral, .stringLiteral, .vectorSelector: []
        case .matrixSelector(let node): [.vectorSelector(node.vectorSelector)]
        case .subquery(let node): [node.expr]
        case .call(let node): node.args
        case .aggregate(let node): (node.param.map { [$0] } ?? []) + [node.expr]
        case .binary(let node): [node.lhs, node.rhs]
        case .unary(let node): [node.expr]
        case .paren(let node): [node.expr]
        }
    }

    /// Visits the expression and all its descendants in pre-order (a node before its children).
    public func walk(_ visit: (Expr) -> Void) {
        visit(self)
        for child in children { child.walk(visit) }
    }

    /// The expression with parentheses removed from the top (`((x))` gives `x`).
    public var unwrappingParens: Expr {
        var current = self
        while case .paren(let paren) = current { current = paren.expr }
        return current
    }
}
