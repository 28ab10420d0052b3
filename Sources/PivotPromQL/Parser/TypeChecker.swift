import PivotModel

/// Prometheus's `checkAST`: type checks a parsed tree, reporting the first problem in the order
/// Prometheus finds it, and normalizes vector matching (nil unless both sides are instant vectors;
/// set operators are many-to-many).
struct TypeChecker {
    let query: String
    private let bytes: [UInt8]

    init(parser: Parser) {
        query = parser.query
        bytes = Array(parser.query.utf8)
    }

    func check(_ expr: Expr) throws(ParseError) -> (expr: Expr, type: ValueType) {
        try check(expr, bypassEmptyMatcherCheck: false)
    }

    /// Dispatches to one function per node kind, so that the frames on the recursion path stay small.
    private func check(
        _ expr: Expr, bypassEmptyMatcherCheck: Bool
    ) throws(ParseError) -> (expr: Expr, type: ValueType) {
        switch expr {
        case .numberLiteral: return (expr, .scalar)
        case .stringLiteral: return (expr, .string)
        case .vectorSelector(let selector):
            try checkSelector(selector, bypassEmptyMatcherCheck: bypassEmptyMatcherCheck)
            return (expr, .vector)
        case .matrixSelector(let matrix):
            try checkSelector(matrix.vectorSelector, bypassEmptyMatcherCheck: false)
            return (expr, .matrix)
        case .paren(let paren): return try checkParen(paren)
        case .unary(let unary): return try checkUnary(unary)
        case .subquery(let subquery): return try checkSubquery(subquery)
        case .aggregate(let aggregate): return try checkAggregate(aggregate)
        case .call(let call): return try checkCall(call)
        case .binary(let binary): return try checkBinary(binary)
        }
    }

    @inline(never)
    private func checkParen(_ original: Paren) throws(ParseError) -> (expr: Expr, type: ValueType) {
        var paren = original
        let (inner, type) = try check(paren.expr)
        paren.expr = inner
        return (.paren(paren), type)
    }

    @inline(never)
    private func checkUnary(_ original: Unary) throws(ParseError) -> (expr: Expr, type: ValueType) {
        var unary = original
        let (inner, type) = try check(unary.expr)
        guard type == .scalar || type == .vector else { throw unaryTypeError(type, at: unary.position) }
        unary.expr = inner
        return (.unary(unary), type)
    }

    @inline(never)
    private func unaryTypeError(_ type: ValueType, at range: PositionRange) -> ParseError {
        error(
            "unary expression only allowed on expressions of type scalar or instant vector, got "
                + GoQuote.quote(type.documentedName), at: range)
    }

    @inline(never)
    private func checkSubquery(_ original: Subquery) throws(ParseError) -> (expr: Expr, type: ValueType) {
        var subquery = original
        let (inner, type) = try check(subquery.expr)
        guard type == .vector else { throw subqueryTypeError(type, at: subquery.position) }
        subquery.expr = inner
        return (.subquery(subquery), .matrix)
    }

    @inline(never)
    private func subqueryTypeError(_ type: ValueType, at range: PositionRange) -> ParseError {
        error("subquery is only allowed on instant vector, got \(type.rawValue) instead", at: range)
    }

    @inline(never)
    private func checkAggregate(_ original: Aggregate) throws(ParseError) -> (expr: Expr, type: ValueType) {
        var aggregate = original
        aggregate.expr = try expectType(aggregate.expr, .vector, in: "aggregation expression")
        if let param = aggregate.param {
            switch aggregate.op {
            case .topk, .bottomk, .quantile, .limitk, .limitRatio:
                aggregate.param = try expectType(param, .scalar, in: "aggregation parameter")
            case .countValues:
                aggregate.param = try expectType(param, .string, in: "aggregation parameter")
            default:
                break
            }
        }
        return (.aggregate(aggregate), .vector)
    }

    private func expectType(_ expr: Expr, _ wanted: ValueType, in context: String) throws(ParseError) -> Expr {
        let (checked, type) = try check(expr)
        guard type == wanted else { throw typeMismatch(wanted, type, in: context, at: expr.position) }
        return checked
    }

    @inline(never)
    private func typeMismatch(
        _ wanted: ValueType, _ type: ValueType, in context: String, at range: PositionRange
    ) -> ParseError {
        error("expected type \(wanted.documentedName) in \(context), got \(type.documentedName)", at: range)
    }

    private func checkSelector(_ selector: VectorSelector, bypassEmptyMatcherCheck: Bool) throws(ParseError) {
        if let name = selector.name {
            for matcher in selector.matchers.dropLast() where matcher.name == Label.metricName {
                throw error(
                    "metric name must not be set twice: \(GoQuote.quote(name)) or \(GoQuote.quote(matcher.value))",
                    at: selector.position)
            }
            return
        }
        if !bypassEmptyMatcherCheck && !selector.matchers.contains(where: { !$0.matchesEmpty }) {
            throw error("vector selector must contain at least one non-empty matcher", at: selector.position)
        }
    }

    @inline(never)
    private func checkCall(_ original: Call) throws(ParseError) -> (expr: Expr, type: ValueType) {
        var call = original
        let labelSelectorArgument = try checkCallShape(call)
        for (index, arg) in call.args.enumerated() {
            guard let wanted = call.function.argumentType(at: index) else { break }
            let (checked, type) = try check(arg, bypassEmptyMatcherCheck: labelSelectorArgument && index == 1)
            guard type == wanted else {
                let context = "call to function \(GoQuote.quote(call.function.name))"
                throw typeMismatch(wanted, type, in: context, at: arg.position)
            }
            call.args[index] = checked
        }
        return (.call(call), call.function.returnType)
    }

    /// Checks the argument count and `info`'s second argument; returns whether that argument is a
    /// label-selector-only vector selector (exempt from the non-empty matcher rule).
    @inline(never)
    private func checkCallShape(_ call: Call) throws(ParseError) -> Bool {
        let function = call.function
        let name = GoQuote.quote(function.name)
        let count = call.args.count
        if function.variadic == 0 {
            if function.argumentTypes.count != count {
                throw error(
                    "expected \(function.argumentTypes.count) argument(s) in call to \(name), got \(count)",
                    at: call.position)
            }
        } else if function.minimumArgumentCount > count {
            throw error(
                "expected at least \(function.minimumArgumentCount) argument(s) in call to \(name), got \(count)",
                at: call.position)
        } else if let maximum = function.maximumArgumentCount, maximum < count {
            throw error("expected at most \(maximum) argument(s) in call to \(name), got \(count)", at: call.position)
        }

        var labelSelectorArgument = false
        if function.name == "info" && count > 1 {
            let second = call.args[1]
            if second.type != .vector {
                throw error(
                    "expected type instant vector in call to function \(name), got \(second.type.documentedName)",
                    at: call.position)
            }
            guard case .vectorSelector(let selector) = second else {
                throw error("expected label selectors only", at: second.position)
            }
            if selector.name != nil {
                throw error("expected label selectors only, got vector selector instead", at: second.position)
            }
            labelSelectorArgument = true
        }
        return labelSelectorArgument
    }

    @inline(never)
    private func checkBinary(_ original: Binary) throws(ParseError) -> (expr: Expr, type: ValueType) {
        var binary = original
        let (lhs, leftType) = try check(binary.lhs)
        let (rhs, rightType) = try check(binary.rhs)
        binary.lhs = lhs
        binary.rhs = rhs
        binary.matching = try checkedMatching(binary, leftType: leftType, rightType: rightType)
        return (.binary(binary), leftType == .scalar && rightType == .scalar ? .scalar : .vector)
    }

    /// Validates the operator against the operand types; returns the normalized matching.
    @inline(never)
    private func checkedMatching(_ binary: Binary, leftType: ValueType, rightType: ValueType) throws(ParseError)
        -> VectorMatching?
    {
        let (lhs, rhs) = (binary.lhs, binary.rhs)
        let op = binary.op
        let quotedOp = GoQuote.quote(op.symbol)

        if binary.returnBool && !op.isComparison {
            throw error("bool modifier can only be used on comparison operators", at: operatorRange(binary))
        }
        if op.isComparison && !binary.returnBool && leftType == .scalar && rightType == .scalar {
            throw error("comparisons between scalars must use BOOL modifier", at: operatorRange(binary))
        }
        var matching = binary.matching ?? VectorMatching()
        if op.isSetOperator && matching.cardinality == .oneToOne { matching.cardinality = .manyToMany }
        if matching.labelsMode == .on, let label = matching.labels.first(where: matching.include.contains) {
            throw error(
                "label \(GoQuote.quote(label)) must not occur in ON and GROUP clause at once",
                at: operatorRange(binary))
        }
        if leftType != .scalar && leftType != .vector {
            throw error("binary expression must contain only scalar and instant vector types", at: lhs.position)
        }
        if rightType != .scalar && rightType != .vector {
            throw error("binary expression must contain only scalar and instant vector types", at: rhs.position)
        }
        var result: VectorMatching? = matching
        if leftType != .vector || rightType != .vector {
            if !matching.labels.isEmpty {
                throw error("vector matching only allowed between instant vectors", at: binary.position)
            }
            if matching.hasFill {
                throw error("filling in missing series only allowed between instant vectors", at: binary.position)
            }
            result = nil
        } else {
            if op.isSetOperator {
                if matching.cardinality == .oneToMany || matching.cardinality == .manyToOne {
                    throw error("no grouping allowed for \(quotedOp) operation", at: binary.position)
                }
                if matching.hasFill {
                    throw error("filling in missing series not allowed for set operators", at: binary.position)
                }
            }
        }
        if (leftType == .scalar || rightType == .scalar) && op.isSetOperator {
            throw error("set operator \(quotedOp) not allowed in binary scalar expression", at: binary.position)
        }
        return result
    }

    /// The operator and its modifiers between the two operands, trimmed of spaces, as Prometheus
    /// computes it for error positions (its end is one byte short).
    private func operatorRange(_ binary: Binary) -> PositionRange {
        var start = binary.lhs.position.end
        while start < bytes.count, Lexer.isSpace(Unicode.Scalar(bytes[start])) { start += 1 }
        var end = binary.rhs.position.start - 1
        while end > 0, end < bytes.count, Lexer.isSpace(Unicode.Scalar(bytes[end])) { end -= 1 }
        return PositionRange(start: start, end: end)
    }

    private func error(_ message: String, at range: PositionRange) -> ParseError {
        ParseError(code: .type, message: message, position: range, query: query)
    }
}
