import PivotModel

extension Parser {
    /// Applies the postfix constructs that bind tighter than any operator: `[range]`, `[range:step]`,
    /// `offset d`, `@ t`, `anchored`, `smoothed`, in any number and order.
    mutating func parsePostfix(_ base: Expr) throws(ParseError) -> Expr {
        var expr = base
        while true {
            switch current.kind {
            case .leftBracket:
                try deepen(at: current.range)
                expr = try parseRangeOrSubquery(expr)
            case .offset:
                expr = try parseOffset(expr)
            case .at:
                expr = try parseAt(expr)
            case .anchored, .smoothed:
                expr = try applyRangeModifier(to: expr)
            default:
                return expr
            }
        }
    }

    // MARK: - Ranges and subqueries

    private mutating func parseRangeOrSubquery(_ expr: Expr) throws(ParseError) -> Expr {
        let open = advance()
        let range = try parsePositiveDuration(
            context: "subquery or range selector", expected: "number, duration, step(), or range()")
        switch current.kind {
        case .rightBracket:
            let close = advance()
            let bracketRange = PositionRange(start: open.start, end: close.end)
            guard case .vectorSelector(let selector) = expr else {
                throw error(.invalid, "ranges only allowed for vector selectors", at: bracketRange)
            }
            if case .milliseconds = selector.offset {
                throw error(.invalid, "no offset modifiers allowed before range", at: bracketRange)
            }
            if case .timestamp = selector.at {
                throw error(.invalid, "no @ modifiers allowed before range", at: bracketRange)
            }
            let position = PositionRange(start: selector.position.start, end: close.end)
            return .matrixSelector(MatrixSelector(vectorSelector: selector, range: range, position: position))
        case .colon:
            advance()
            var step: DurationValue?
            if current.kind != .rightBracket {
                step = try parsePositiveDuration(
                    context: "subquery selector", expected: "number, duration, step(), range(), or \"]\"")
                guard current.kind == .rightBracket else {
                    throw unexpected(context: "subquery selector", expected: "\"]\"")
                }
            }
            let close = advance()
            let position = PositionRange(start: expr.position.start, end: close.end)
            return .subquery(Subquery(expr: expr, range: range, step: step, position: position))
        default:
            throw unexpected(context: "subquery or range", expected: "\":\" or \"]\"")
        }
    }

    /// A range or step inside `[…]`: a literal must be greater than zero.
    private mutating func parsePositiveDuration(context: String, expected: String) throws(ParseError) -> DurationValue {
        let expr = try parseDurationExpression(minimumPrecedence: 0, context: context, expected: expected)
        guard case .number(let literal) = expr else { return .expression(expr) }
        guard !(literal.value <= 0) else {
            throw error(.invalid, "duration must be greater than 0", at: literal.position)
        }
        return .milliseconds(literal.milliseconds)
    }

    // MARK: - offset

    private mutating func parseOffset(_ expr: Expr) throws(ParseError) -> Expr {
        advance()
        let duration = try parseOffsetDuration()
        var value: DurationValue?
        if case .number(let literal) = duration {
            let milliseconds = literal.milliseconds
            value = milliseconds == 0 ? nil : .milliseconds(milliseconds)
        } else {
            value = .expression(duration)
        }
        let end = lastConsumedEnd
        switch expr {
        case .vectorSelector(var selector):
            guard selector.offset == nil else { throw offsetTwice(expr) }
            selector.offset = value
            selector.position.end = end
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            guard matrix.vectorSelector.offset == nil else { throw offsetTwice(expr) }
            matrix.vectorSelector.offset = value
            matrix.position.end = end
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            guard subquery.offset == nil else { throw offsetTwice(expr) }
            subquery.offset = value
            subquery.position.end = end
            return .subquery(subquery)
        default:
            throw error(
                .invalid,
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                at: expr.position)
        }
    }

    private func offsetTwice(_ expr: Expr) -> ParseError {
        error(.invalid, "offset may not be set multiple times", at: expr.position)
    }

    /// After `offset`: an optionally signed literal, `step()`, `range()`, `min_of(…)`, `max_of(…)` or a
    /// parenthesised duration expression. Nothing after it belongs to the offset (`x offset 5s - 8`
    /// subtracts 8 from `x offset 5s`).
    private mutating func parseOffsetDuration() throws(ParseError) -> DurationExpr {
        let context = "offset"
        let expected = "number, duration, step(), or range()"
        var sign: Token?
        if current.kind == .add || current.kind == .sub { sign = advance() }
        let operand: DurationExpr
        switch current.kind {
        case .number, .duration, .step, .range, .maxOf, .minOf, .leftParen:
            operand = try parseDurationPrimary(context: context, expected: expected)
        default:
            throw unexpected(context: context, expected: expected)
        }
        guard let sign else { return operand }
        return try applySign(sign, to: operand)
    }

    // MARK: - @

    private mutating func parseAt(_ expr: Expr) throws(ParseError) -> Expr {
        advance()
        let modifier: AtModifier
        switch current.kind {
        case .start, .end:
            let which = advance().kind
            try expect(.leftParen, context: "@", expected: "timestamp")
            try expect(.rightParen, context: "@", expected: "timestamp")
            modifier = which == .start ? .start : .end
        case .add, .sub, .number, .duration:
            var negate = false
            if current.kind == .add || current.kind == .sub {
                negate = advance().kind == .sub
                guard current.kind == .number || current.kind == .duration else {
                    throw unexpected(context: "@", expected: "timestamp")
                }
            }
            let literal = try parseNumberLiteral()
            let seconds = negate ? -literal.value : literal.value
            if !seconds.isFinite || seconds >= 9_223_372_036_854_775_807.0 || seconds <= -9_223_372_036_854_775_808.0 {
                throw error(
                    .invalid, "timestamp out of bounds for @ modifier: \(GoFloatFormat.sixDecimals(seconds))",
                    at: expr.position)
            }
            modifier = .timestamp(milliseconds: goInt64((seconds * 1000).rounded()))
        default:
            throw unexpected(context: "@", expected: "timestamp")
        }
        let end = lastConsumedEnd
        switch expr {
        case .vectorSelector(var selector):
            guard selector.at == nil else { throw atTwice(expr) }
            selector.at = modifier
            selector.position.end = end
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            guard matrix.vectorSelector.at == nil else { throw atTwice(expr) }
            matrix.vectorSelector.at = modifier
            matrix.position.end = end
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            guard subquery.at == nil else { throw atTwice(expr) }
            subquery.at = modifier
            subquery.position.end = end
            return .subquery(subquery)
        default:
            throw error(
                .invalid,
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                at: expr.position)
        }
    }

    private func atTwice(_ expr: Expr) -> ParseError {
        error(.invalid, "@ <timestamp> may not be set multiple times", at: expr.position)
    }

    // MARK: - anchored / smoothed

    private mutating func applyRangeModifier(to expr: Expr) throws(ParseError) -> Expr {
        let modifier: RangeModifier = advance().kind == .anchored ? .anchored : .smoothed
        let name = modifier.rawValue
        guard options.enableExtendedRangeSelectors else {
            throw error(.featureDisabled, "\(name) modifier is experimental and not enabled", at: expr.position)
        }
        func combined(_ existing: RangeModifier?) throws(ParseError) -> RangeModifier {
            if let existing, existing != modifier {
                throw error(.invalid, "anchored and smoothed modifiers cannot be used together", at: expr.position)
            }
            return modifier
        }
        switch expr {
        case .vectorSelector(var selector):
            selector.rangeModifier = try combined(selector.rangeModifier)
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            matrix.vectorSelector.rangeModifier = try combined(matrix.vectorSelector.rangeModifier)
            return .matrixSelector(matrix)
        case .subquery:
            throw error(.invalid, "\(name) modifier is not supported for subqueries", at: expr.position)
        default:
            throw error(.invalid, "\(name) modifier not implemented", at: expr.position)
        }
    }
}
