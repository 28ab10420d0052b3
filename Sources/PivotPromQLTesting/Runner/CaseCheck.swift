import Foundation
import PivotModel
import PivotPromQL
import PivotPromQLEngine

/// Runs one eval command and compares the outcome with its expectations (README §5).
struct CaseCheck {
    let engine: Engine
    let eval: PromQLTestScript.Eval

    /// Nil when the case passes, else why it failed.
    func run() -> String? {
        let expr: Expr
        do {
            expr = try engine.parse(eval.query)
        } catch {
            if eval.expectFail, eval.failMatcher.map({ Self.matches($0, error.message) }) ?? true { return nil }
            return "parse error: \(error.message)"
        }
        switch eval.kind {
        case .instant(let at):
            let time = eval.rangeVector?.end ?? at
            if let reason = check(expr, at: time) { return reason }
            for (variant, variantTime) in AtModifierVariants.variants(of: expr, at: time) {
                if let reason = check(variant, at: variantTime) { return "@ variant at \(variantTime): " + reason }
            }
            return nil
        case .range(let start, let end, let step):
            let outcome = Result { () throws(EngineError) in try engine.rangeQuery(expr, start: start, end: end, step: step) }
            return judge(outcome) { _ in nil }
        }
    }

    /// Checks one instant evaluation (the original or an `@` variant) and its range-mode re-run.
    private func check(_ expr: Expr, at time: Int64) -> String? {
        let outcome = Result { () throws(EngineError) in try engine.instantQuery(expr, at: time) }
        return judge(outcome) { _ in checkRangeMode(expr, at: time) }
    }

    private func judge(_ outcome: Result<QueryResult, EngineError>, then next: (QueryResult) -> String?) -> String? {
        if eval.expectFail {
            switch outcome {
            case .success: return "expected an error, but the query succeeded"
            case .failure(let error):
                guard let matcher = eval.failMatcher else { return nil }
                return Self.matches(matcher, error.message) ? nil : "error \"\(error.message)\" does not match \(matcher)"
            }
        }
        let result: QueryResult
        switch outcome {
        case .success(let value): result = value
        case .failure(let error): return "unexpected error: \(error.message)"
        }
        if eval.expectsHistograms { return "expected native histograms, which this engine does not produce" }
        if let reason = checkAnnotations(result.annotations.warnings, eval.warnings, none: eval.noWarn, kind: "warning") {
            return reason
        }
        if let reason = checkAnnotations(result.annotations.infos, eval.infos, none: eval.noInfo, kind: "info") {
            return reason
        }
        if let reason = compare(result.value) { return reason }
        return next(result)
    }

    /// Prometheus's range-mode check of an instant case: the query as a range query from t-1m to t+1m
    /// with step 1m must give the instant result at t.
    private func checkRangeMode(_ expr: Expr, at t: Int64) -> String? {
        guard eval.rangeVector == nil, eval.expectedString == nil else { return nil }
        for marker in ["start()", "end()", "range()", "step()"] where eval.query.contains(marker) { return nil }
        let result: QueryResult
        do {
            result = try engine.rangeQuery(expr, start: t - 60_000, end: t + 60_000, step: 60_000)
        } catch {
            return "range-mode check: unexpected error: \(error.message)"
        }
        if eval.ordered { return nil }
        guard case .matrix(let series) = result.value else { return "range-mode check: not a matrix" }
        for i in series.indices.dropFirst() where !(series[i - 1].labels < series[i].labels) {
            return "range-mode check: result is not sorted by labels"
        }
        if let expected = eval.expectedScalar {
            guard let point = series.first?.points.first(where: { $0.timestamp == t }) else {
                return "range-mode check: no scalar value at \(t)"
            }
            return Self.equal(point.value, expected) ? nil : "range-mode check: got \(point.value), expected \(expected)"
        }
        let elements = series.compactMap { s in
            s.points.first { $0.timestamp == t }.map { VectorElement(labels: s.labels, timestamp: t, value: $0.value) }
        }
        return compareVector(elements).map { "range-mode check: " + $0 }
    }

    static func matches(_ matcher: PromQLTestScript.MessageMatcher, _ text: String) -> Bool {
        switch matcher {
        case .exact(let expected): return text == expected
        case .regex(let pattern):
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    private func checkAnnotations(
        _ actual: [String], _ expected: [PromQLTestScript.MessageMatcher?], none: Bool, kind: String
    ) -> String? {
        if none && !actual.isEmpty { return "expected no \(kind)s, got \(actual)" }
        guard !expected.isEmpty else { return nil }
        if actual.isEmpty { return "expected a \(kind), got none" }
        for matcher in expected {
            guard let matcher else { continue }
            if !actual.contains(where: { Self.matches(matcher, $0) }) { return "no \(kind) matches \(matcher); got \(actual)" }
        }
        for text in actual where !expected.contains(where: { $0 == nil || Self.matches($0!, text) }) {
            return "unexpected \(kind): \(text)"
        }
        return nil
    }

    private func compare(_ value: QueryValue) -> String? {
        switch value {
        case .string(let text, _):
            guard let expected = eval.expectedString else { return "got string \"\(text)\", expected no string" }
            return text == expected ? nil : "got string \"\(text)\", expected \"\(expected)\""
        case .scalar(let point):
            guard let expected = eval.expectedScalar else { return "got scalar \(point.value), expected a vector" }
            return Self.equal(point.value, expected) ? nil : "got scalar \(point.value), expected \(expected)"
        case .vector(let elements):
            if eval.expectedString != nil || eval.expectedScalar != nil || eval.rangeVector != nil {
                return "got an instant vector, expected another type"
            }
            return compareVector(elements)
        case .matrix(let series):
            if eval.expectedString != nil || eval.expectedScalar != nil { return "got a matrix, expected another type" }
            if eval.ordered { return "expect ordered is not allowed for a range-vector result" }
            if case .instant = eval.kind, eval.rangeVector == nil { return "got a range vector, expected an instant vector" }
            return compareMatrix(series)
        }
    }

    private func compareVector(_ elements: [VectorElement]) -> String? {
        let expected = eval.expectedSeries
        guard elements.count == expected.count else {
            return "got \(elements.count) series, expected \(expected.count): \(elements.map { "\($0.labels) \($0.value)" })"
        }
        for (k, (labels, values)) in expected.enumerated() {
            guard case .value(let expectedValue)? = values.first else { return "expected series \(labels) has no value" }
            let candidate = eval.ordered ? (elements[k].labels == labels ? elements[k] : nil)
                : elements.first { $0.labels == labels }
            guard let actual = candidate else {
                return eval.ordered
                    ? "position \(k): got \(elements[k].labels), expected \(labels)"
                    : "missing series \(labels); got \(elements.map { "\($0.labels)" })"
            }
            if !Self.equal(actual.value, expectedValue) {
                return "series \(labels): got \(actual.value), expected \(expectedValue)"
            }
        }
        return nil
    }

    private func compareMatrix(_ series: [Series]) -> String? {
        for i in series.indices.dropFirst() where !(series[i - 1].labels < series[i].labels) {
            return "range result is not sorted by labels"
        }
        let (start, step): (Int64, Int64)
        switch eval.kind {
        case .range(let s, _, let st): (start, step) = (s, st)
        case .instant: (start, step) = (eval.rangeVector!.start, eval.rangeVector!.step)
        }
        guard series.count == eval.expectedSeries.count else {
            return "got \(series.count) series, expected \(eval.expectedSeries.count): \(series.map { "\($0.labels) \($0.points.map(\.value))" })"
        }
        for (labels, values) in eval.expectedSeries {
            guard let actual = series.first(where: { $0.labels == labels }) else {
                return "missing series \(labels); got \(series.map { "\($0.labels)" })"
            }
            var expected: [FloatPoint] = []
            for (i, item) in values.enumerated() {
                if case .value(let v) = item { expected.append(FloatPoint(timestamp: start + Int64(i) * step, value: v)) }
            }
            guard actual.points.count == expected.count else {
                return "series \(labels): got \(actual.points.map { "\($0.value)@\($0.timestamp)" }), expected \(expected.map { "\($0.value)@\($0.timestamp)" })"
            }
            for (a, e) in zip(actual.points, expected) where a.timestamp != e.timestamp || !Self.equal(a.value, e.value) {
                return "series \(labels): got \(actual.points.map { "\($0.value)@\($0.timestamp)" }), expected \(expected.map { "\($0.value)@\($0.timestamp)" })"
            }
        }
        return nil
    }

    /// Prometheus's test comparison: bitwise equal, both NaN (StaleNaN only equals StaleNaN), or a
    /// relative difference below 1e-6.
    static func equal(_ a: Double, _ b: Double) -> Bool {
        if StaleMarker.isStale(a) || StaleMarker.isStale(b) { return StaleMarker.isStale(a) && StaleMarker.isStale(b) }
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a == b { return true }
        let minNormal = 2.2250738585072014e-308
        let epsilon = 1e-6
        let diff = abs(a - b)
        if a == 0 || b == 0 || abs(a) + abs(b) < minNormal { return diff < epsilon * minNormal }
        return diff / min(abs(a) + abs(b), Double.greatestFiniteMagnitude) < epsilon
    }
}

extension PromQLTestScript.MessageMatcher: CustomStringConvertible {
    public var description: String {
        switch self {
        case .exact(let text): "msg: \(text)"
        case .regex(let pattern): "regex: \(pattern)"
        }
    }
}
