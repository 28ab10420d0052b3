import PivotModel

extension Expr: CustomStringConvertible {
    /// The expression in Prometheus's canonical form (`parser.Expr.String()`), e.g.
    /// `sum by (job) (rate(foo{a="b"}[5m]))`. Parsing it gives back an equal tree, positions aside.
    public var description: String {
        var out = ""
        Printer.write(self, to: &out)
        return out
    }
}

extension DurationExpr: CustomStringConvertible {
    /// `step() * 2`, `min_of(5m, range())`, `(1h / 2)`.
    public var description: String {
        var out = ""
        Printer.write(self, to: &out)
        return out
    }
}

extension DurationValue: CustomStringConvertible {
    /// `5m`, `1h30m`, or the expression.
    public var description: String {
        switch self {
        case .milliseconds(let value): PromDuration.format(milliseconds: value)
        case .expression(let expr): expr.description
        }
    }
}

/// Writes expressions the way Prometheus's `printer.go` does.
enum Printer {
    static func write(_ expr: Expr, to out: inout String) {
        switch expr {
        case .numberLiteral(let literal):
            out += number(literal)
        case .stringLiteral(let literal):
            out += GoQuote.quoteForQuery(bytes: literal.utf8Bytes)
        case .vectorSelector(let selector):
            writeSelector(selector, to: &out)
        case .matrixSelector(let matrix):
            var bare = matrix.vectorSelector
            bare.offset = nil
            bare.at = nil
            bare.rangeModifier = nil
            writeSelector(bare, to: &out)
            out += "[" + matrix.range.description + "]"
            if let modifier = matrix.vectorSelector.rangeModifier { out += " " + modifier.rawValue }
            writeAt(matrix.vectorSelector.at, to: &out)
            writeOffset(matrix.vectorSelector.offset, to: &out)
        case .subquery(let subquery):
            write(subquery.expr, to: &out)
            out += subquerySuffix(subquery)
        case .call(let call):
            out += call.function.name + "("
            for (index, arg) in call.args.enumerated() {
                if index > 0 { out += ", " }
                write(arg, to: &out)
            }
            out += ")"
        case .aggregate(let aggregate):
            out += aggregateHead(aggregate) + "("
            if let param = aggregate.param {
                write(param, to: &out)
                out += ", "
            }
            write(aggregate.expr, to: &out)
            out += ")"
        case .binary(let binary):
            if binary.op == .pow, case .numberLiteral(let literal) = binary.lhs, literal.value == .infinity,
                !literal.isDuration
            {
                // Prometheus writes `+Inf ^ x`, which parses back as `+(Inf ^ x)`; `Inf ^ x` keeps the tree.
                out += "Inf"
            } else {
                write(binary.lhs, to: &out)
            }
            out += " " + binaryOperatorText(binary) + " "
            write(binary.rhs, to: &out)
        case .unary(let unary):
            out += unary.op.rawValue
            write(unary.expr, to: &out)
        case .paren(let paren):
            out += "("
            write(paren.expr, to: &out)
            out += ")"
        }
    }

    static func write(_ expr: DurationExpr, to out: inout String) {
        switch expr {
        case .number(let literal): out += number(literal)
        case .step: out += "step()"
        case .range: out += "range()"
        case .minOf(let a, let b, _), .maxOf(let a, let b, _):
            if case .minOf = expr { out += "min_of(" } else { out += "max_of(" }
            write(a, to: &out)
            out += ", "
            write(b, to: &out)
            out += ")"
        case .negate(let inner, _):
            out += "-"
            write(inner, to: &out)
        case .binary(let op, let lhs, let rhs):
            write(lhs, to: &out)
            out += " " + op.rawValue + " "
            write(rhs, to: &out)
        case .paren(let inner, _):
            out += "("
            write(inner, to: &out)
            out += ")"
        }
    }

    /// A number as `strconv.FormatFloat(v, 'f', -1, 64)`, or a duration literal as a duration.
    static func number(_ literal: NumberLiteral) -> String {
        guard literal.isDuration else { return GoFloatFormat.fixed(literal.value) }
        let milliseconds = literal.milliseconds
        return milliseconds < 0 ? "-" + PromDuration.format(milliseconds: -milliseconds)
            : PromDuration.format(milliseconds: milliseconds)
    }

    static func writeSelector(_ selector: VectorSelector, to out: inout String) {
        let name = selector.name ?? ""
        out += name
        var matchers: [String] = []
        for matcher in selector.matchers {
            if matcher.name == Label.metricName && matcher.kind == .equal && matcher.value == name && !name.isEmpty {
                continue
            }
            matchers.append(matcherText(matcher))
        }
        if !matchers.isEmpty {
            matchers.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            out += "{" + matchers.joined(separator: ",") + "}"
        }
        writeAt(selector.at, to: &out)
        if let modifier = selector.rangeModifier { out += " " + modifier.rawValue }
        writeOffset(selector.offset, to: &out)
    }

    /// `name="value"`, with the name quoted when it is not a legacy label name (`"a.b"="c"`).
    static func matcherText(_ matcher: LabelMatcher) -> String {
        let name = isLegacyLabelName(matcher.name) ? matcher.name : GoQuote.quoteForQuery(matcher.name)
        return name + matcher.kind.rawValue + GoQuote.quoteForQuery(matcher.value)
    }

    static func subquerySuffix(_ subquery: Subquery) -> String {
        var out = "[" + subquery.range.description + ":" + (subquery.step?.description ?? "") + "]"
        writeAt(subquery.at, to: &out)
        writeOffset(subquery.offset, to: &out)
        return out
    }

    /// The operator name and its grouping clause, with a trailing space after the clause:
    /// `sum`, `sum by (job) `, `count without () `.
    static func aggregateHead(_ aggregate: Aggregate) -> String {
        var out = aggregate.op.name
        if aggregate.groupingMode == .without {
            out += " without (" + labelList(aggregate.grouping) + ") "
        } else if !aggregate.grouping.isEmpty {
            out += " by (" + labelList(aggregate.grouping) + ") "
        }
        return out
    }

    /// The operator with `bool`, matching and fill modifiers: `+ on (job) group_left (x) fill (0)`.
    static func binaryOperatorText(_ binary: Binary) -> String {
        var out = binary.op.symbol
        if binary.returnBool { out += " bool" }
        guard let matching = binary.matching else { return out }
        let grouped = matching.cardinality == .manyToOne || matching.cardinality == .oneToMany
        if !matching.labels.isEmpty || matching.labelsMode == .on || grouped {
            out += " " + matching.labelsMode.rawValue + " (" + labelList(matching.labels) + ")"
        }
        if grouped {
            out += matching.cardinality == .manyToOne ? " group_left (" : " group_right ("
            out += labelList(matching.include) + ")"
        }
        if let left = matching.fillLeft, let right = matching.fillRight, left == right {
            out += " fill (" + GoFloatFormat.general(left) + ")"
        } else {
            if let left = matching.fillLeft { out += " fill_left (" + GoFloatFormat.general(left) + ")" }
            if let right = matching.fillRight { out += " fill_right (" + GoFloatFormat.general(right) + ")" }
        }
        return out
    }

    static func labelList(_ labels: [String]) -> String {
        labels.map { isLegacyLabelName($0) ? $0 : GoQuote.quoteForQuery($0) }.joined(separator: ", ")
    }

    private static func writeAt(_ at: AtModifier?, to out: inout String) {
        switch at {
        case .timestamp(let milliseconds)?:
            let magnitude = milliseconds.magnitude
            let fraction = String(magnitude % 1000)
            out += " @ " + (milliseconds < 0 ? "-" : "") + "\(magnitude / 1000)."
                + String(repeating: "0", count: 3 - fraction.count) + fraction
        case .start?: out += " @ start()"
        case .end?: out += " @ end()"
        case nil: break
        }
    }

    private static func writeOffset(_ offset: DurationValue?, to out: inout String) {
        switch offset {
        case .milliseconds(let value)? where value > 0: out += " offset " + PromDuration.format(milliseconds: value)
        case .milliseconds(let value)? where value < 0: out += " offset -" + PromDuration.format(milliseconds: -value)
        case .expression(let expr)?: out += " offset " + expr.description
        default: break
        }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`: names printed without quotes.
    static func isLegacyLabelName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for (index, byte) in name.utf8.enumerated() {
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if isLetter || byte == UInt8(ascii: "_") || (index > 0 && isDigit) { continue }
            return false
        }
        return true
    }
}
