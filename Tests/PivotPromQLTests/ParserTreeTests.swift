import PivotModel
import PivotPromQL
import Testing

@Suite("Parsed trees and positions")
struct ParserTreeTests {
    private func range(_ start: Int, _ end: Int) -> PositionRange { PositionRange(start: start, end: end) }
    private func eq(_ name: String, _ value: String) throws -> LabelMatcher { try LabelMatcher(.equal, name, value) }
    private func selector(_ name: String, _ start: Int) throws -> VectorSelector {
        VectorSelector(
            name: name, matchers: [try eq("__name__", name)], position: range(start, start + name.utf8.count))
    }

    @Test("a metric name becomes a selector with a trailing __name__ matcher")
    func bareName() throws {
        // Expects the name, one matcher, and the name's bytes as position.
        #expect(try parseExpr("foo") == .vectorSelector(try selector("foo", 0)))
    }

    @Test("a sign before a number literal is folded into it")
    func foldedSign() throws {
        // Expects a negative literal starting at the sign rather than a unary node.
        #expect(try parseExpr(" -1") == .numberLiteral(NumberLiteral(value: -1, position: range(1, 3))))
        #expect(try parseExpr("-5m") == .numberLiteral(NumberLiteral(value: -300, isDuration: true, position: range(0, 3))))
    }

    @Test("unary minus binds less tightly than ^")
    func unaryAndPower() throws {
        // Expects -(foo ^ 2), as in Prometheus where unary operators have the precedence of *.
        let expected = Expr.unary(
            Unary(
                .minus,
                .binary(
                    Binary(
                        op: .pow, lhs: .vectorSelector(try selector("foo", 1)),
                        rhs: .numberLiteral(NumberLiteral(value: 2, position: range(7, 8))), matching: nil)),
                position: range(0, 8)))
        #expect(try parseExpr("-foo ^ 2") == expected)
    }

    @Test("binary operators follow Prometheus's precedence and associativity")
    func precedence() throws {
        // Expects * over +, ^ right-associative, and over or.
        guard case .binary(let sum) = try parseExpr("1 + 2 * 3") else { Issue.record("not binary"); return }
        #expect(sum.op == .add)
        guard case .binary(let product) = sum.rhs else { Issue.record("rhs not binary"); return }
        #expect(product.op == .mul)

        guard case .binary(let power) = try parseExpr("2 ^ 3 ^ 4") else { Issue.record("not binary"); return }
        guard case .binary(let inner) = power.rhs else { Issue.record("not right-associative"); return }
        #expect(inner.op == .pow && power.lhs == .numberLiteral(NumberLiteral(value: 2, position: range(0, 1))))

        guard case .binary(let or) = try parseExpr("a or b and c unless d") else { Issue.record("not binary"); return }
        #expect(or.op == .or)
        guard case .binary(let unless) = or.rhs, case .binary(let and) = unless.lhs else {
            Issue.record("and/unless should bind tighter and associate left")
            return
        }
        #expect(unless.op == .unless && and.op == .and)

        guard case .binary(let minus) = try parseExpr("a - b - c") else { Issue.record("not binary"); return }
        guard case .binary = minus.lhs else { Issue.record("- should be left-associative"); return }
    }

    @Test("an aggregation records operator, grouping, body and its full extent")
    func aggregation() throws {
        // Expects `by` labels, the call body, and a range from the operator to the last parenthesis.
        let matrix = MatrixSelector(
            vectorSelector: try selector("foo", 19), range: .milliseconds(300_000), position: range(19, 26))
        let call = Call(function: FunctionSpec.named("rate")!, args: [.matrixSelector(matrix)], position: range(14, 27))
        let expected = Expr.aggregate(
            Aggregate(op: .sum, expr: .call(call), grouping: ["job"], groupingMode: .by, position: range(0, 28)))
        #expect(try parseExpr("sum by (job) (rate(foo[5m]))") == expected)

        let after = try parseExpr("count_values(\"v\", foo) without (a)")
        guard case .aggregate(let countValues) = after else { Issue.record("not an aggregation"); return }
        #expect(countValues.param == .stringLiteral(StringLiteral(value: "v", position: range(13, 16))))
        #expect(countValues.groupingMode == .without && countValues.grouping == ["a"])
        #expect(countValues.position == range(0, 34))
    }

    @Test("vector matching keeps on, group_left and include labels")
    func vectorMatching() throws {
        // Expects many-to-one cardinality with the on and include labels as written.
        guard case .binary(let binary) = try parseExpr("a + on(b) group_left(c) d") else {
            Issue.record("not binary")
            return
        }
        #expect(
            binary.matching
                == VectorMatching(cardinality: .manyToOne, labels: ["b"], labelsMode: .on, include: ["c"]))
        #expect(binary.position == range(0, 25))
    }

    @Test("type checking normalizes matching")
    func normalizedMatching() throws {
        // Expects set operators to be many-to-many and scalar operands to drop matching.
        guard case .binary(let set) = try parseExpr("a and b") else { Issue.record("not binary"); return }
        #expect(set.matching?.cardinality == .manyToMany)
        guard case .binary(let scalar) = try parseExpr("a * 2") else { Issue.record("not binary"); return }
        #expect(scalar.matching == nil)
        #expect(scalar.type == .vector)
        #expect(try parseExpr("1 + 2").type == .scalar)
    }

    @Test("offset and @ extend a selector's position")
    func modifiers() throws {
        // Expects the offset in milliseconds, the timestamp in milliseconds, and the range to the last modifier.
        var expected = try selector("foo", 0)
        expected.offset = .milliseconds(300_000)
        expected.at = .timestamp(milliseconds: 10_500)
        expected.position = range(0, 20)
        #expect(try parseExpr("foo offset 5m @ 10.5") == .vectorSelector(expected))

        guard case .vectorSelector(let negative) = try parseExpr("foo offset -1h30m") else { Issue.record(); return }
        #expect(negative.offset == .milliseconds(-5_400_000))
        guard case .vectorSelector(let start) = try parseExpr("foo @ start()") else { Issue.record(); return }
        #expect(start.at == .start && start.position == range(0, 13))
    }

    @Test("a subquery records range, step and modifiers")
    func subquery() throws {
        // Expects the range and step in milliseconds and no step for `[range:]`.
        let expected = Subquery(
            expr: .vectorSelector(try selector("foo", 0)), range: .milliseconds(1_800_000), step: .milliseconds(60_000),
            offset: .milliseconds(-60_000), at: .end, position: range(0, 30))
        #expect(try parseExpr("foo[30m:1m] offset -1m @ end()") == .subquery(expected))
        guard case .subquery(let noStep) = try parseExpr("rate(foo[1m])[5m:]") else { Issue.record(); return }
        #expect(noStep.step == nil)
    }

    @Test("duration expressions keep their structure and positions")
    func durationExpression() throws {
        // Expects step() * 2 as a binary duration expression inside the range.
        let options = ParserOptions(experimentalDurationExpressions: true)
        guard case .matrixSelector(let matrix) = try parseExpr("foo[step() * 2]", options: options) else {
            Issue.record("not a range selector")
            return
        }
        #expect(
            matrix.range
                == .expression(.binary(.mul, .step(range(4, 10)), .number(NumberLiteral(value: 2, position: range(13, 14))))))
        #expect(matrix.position == range(0, 15))

        guard case .vectorSelector(let offset) = try parseExpr("foo offset -min_of(5s, step())", options: options) else {
            Issue.record("not a selector")
            return
        }
        let minOf = DurationExpr.minOf(
            .number(NumberLiteral(value: 5, isDuration: true, position: range(19, 21))), .step(range(23, 29)), range(12, 30))
        #expect(offset.offset == .expression(.negate(minOf, start: 11)))
    }

    @Test("quoted metric and label names become matchers")
    func quotedNames() throws {
        // Expects `{"my.metric"}` to be a __name__ matcher and the selector to have no outer name.
        let expected = VectorSelector(
            matchers: [try eq("__name__", "my.metric"), try eq("a.b", "c")], position: range(0, 24))
        #expect(try parseExpr("{\"my.metric\", \"a.b\"=\"c\"}") == .vectorSelector(expected))
    }

    @Test("string escapes that spell invalid UTF-8 keep the exact bytes")
    func invalidUTF8String() throws {
        // Expects the bytes a, 0xff, b, a replacement character in the text, and Go quoting when printed.
        guard case .stringLiteral(let literal) = try parseExpr("\"a\\xffb\"") else { Issue.record(); return }
        #expect(literal.utf8Bytes == [0x61, 0xFF, 0x62])
        #expect(!literal.isValidUTF8)
        #expect(literal.value == "a\u{FFFD}b")
        #expect(Expr.stringLiteral(literal).description == "\"a\\xffb\"")
    }

    @Test("keywords are metric names where Prometheus allows it")
    func keywordsAsNames() throws {
        // Expects aggregation and modifier keywords not followed by `(` to be metric names.
        for name in ["sum", "by", "without", "offset", "and", "start", "step", "anchored"] {
            guard case .vectorSelector(let selector) = try parseExpr(name) else {
                Issue.record("\(name) is not a selector")
                continue
            }
            #expect(selector.name == name)
        }
        guard case .binary(let binary) = try parseExpr("fill + fill", options: .allFeatures) else {
            Issue.record("fill + fill is not binary")
            return
        }
        #expect(binary.matching?.fillLeft == nil)
    }

    @Test("children and walk visit sub-expressions in order")
    func traversal() throws {
        // Expects pre-order: the aggregation, its parameter, then its body.
        let expr = try parseExpr("topk(3, rate(foo[5m]))")
        var kinds: [String] = []
        expr.walk { node in
            switch node {
            case .aggregate: kinds.append("aggregate")
            case .numberLiteral: kinds.append("number")
            case .call: kinds.append("call")
            case .matrixSelector: kinds.append("matrix")
            case .vectorSelector: kinds.append("vector")
            default: kinds.append("other")
            }
        }
        #expect(kinds == ["aggregate", "number", "call", "matrix", "vector"])
        #expect(try parseExpr("((foo))").unwrappingParens == .vectorSelector(try selector("foo", 2)))
    }
}
