import Foundation
import PivotModel
import PivotPromQL
import PivotRegex

extension Evaluator {
    private func stringArgument(_ expr: Expr) throws(EngineError) -> String {
        guard case .stringLiteral(let literal) = expr.unwrappingParens else {
            throw EngineError.execution("expected a string argument")
        }
        guard literal.isValidUTF8 else {
            throw EngineError.execution("invalid UTF-8 in string argument \(GoQuote.quote(bytes: literal.utf8Bytes))")
        }
        return literal.value
    }

    /// `label_replace(v, dst, replacement, src, regex)`: where the fully anchored regex matches the value
    /// of `src`, sets `dst` to the replacement with `$1`, `${name}` expanded.
    func labelReplace(_ call: Call, _ grid: Grid) throws(EngineError) -> Evaluated {
        let destination = try stringArgument(call.args[1])
        let replacement = try stringArgument(call.args[2])
        let source = try stringArgument(call.args[3])
        let pattern = try stringArgument(call.args[4])
        do {
            _ = try RE2Regex(pattern)
        } catch {
            throw EngineError.execution("invalid regular expression in label_replace(): \(pattern)")
        }
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: "^(?s:" + pattern + ")$")
        } catch {
            throw EngineError.execution("invalid regular expression in label_replace(): \(pattern)")
        }
        guard Self.isValidLabelName(destination) else {
            throw EngineError.execution("invalid destination label name in label_replace(): \(destination)")
        }
        var series = try evalVector(call.args[0], grid)
        for i in series.indices {
            let value = series[i].labels[source]
            let range = NSRange(value.startIndex..., in: value)
            guard let match = regex.firstMatch(in: value, range: range) else { continue }
            let result = Self.expand(replacement, match: match, in: value, regex: regex)
            series[i].labels = series[i].labels.setting(destination, to: result)
            if destination == Label.metricName { series[i].dropName = false }
        }
        return .vector(try mergeSameLabelsets(series))
    }

    /// `label_join(v, dst, separator, src...)`: sets `dst` to the source values joined by the separator.
    func labelJoin(_ call: Call, _ grid: Grid) throws(EngineError) -> Evaluated {
        let destination = try stringArgument(call.args[1])
        let separator = try stringArgument(call.args[2])
        var sources: [String] = []
        for arg in call.args.dropFirst(3) {
            let source = try stringArgument(arg)
            guard Self.isValidLabelName(source) else {
                throw EngineError.execution("invalid source label name in label_join(): \(source)")
            }
            sources.append(source)
        }
        guard Self.isValidLabelName(destination) else {
            throw EngineError.execution("invalid destination label name in label_join(): \(destination)")
        }
        var series = try evalVector(call.args[0], grid)
        for i in series.indices {
            let joined = sources.map { series[i].labels[$0] }.joined(separator: separator)
            series[i].labels = series[i].labels.setting(destination, to: joined)
            if destination == Label.metricName { series[i].dropName = false }
        }
        return .vector(try mergeSameLabelsets(series))
    }

    /// Prometheus 3 accepts any non-empty valid UTF-8 label name.
    static func isValidLabelName(_ name: String) -> Bool { !name.isEmpty }

    /// Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to nothing.
    static func expand(_ template: String, match: NSTextCheckingResult, in value: String, regex: NSRegularExpression) -> String {
        let chars = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func group(_ name: String) -> String {
            var range: NSRange
            if let number = Int(name) {
                guard number <= regex.numberOfCaptureGroups else { return "" }
                range = match.range(at: number)
            } else {
                range = match.range(withName: name)
            }
            guard range.location != NSNotFound, let r = Range(range, in: value) else { return "" }
            return String(value[r])
        }
        func isNameChar(_ c: Unicode.Scalar) -> Bool {
            c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            let next = chars[i + 1]
            if next == "$" {
                out.append("$")
                i += 2
            } else if next == "{" {
                guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    out.append(c)
                    i += 1
                    continue
                }
                let name = String(String.UnicodeScalarView(chars[(i + 2)..<close]))
                if name.isEmpty || !name.unicodeScalars.allSatisfy(isNameChar) {
                    out.append(c)
                    i += 1
                    continue
                }
                out.append(contentsOf: group(name).unicodeScalars)
                i = close + 1
            } else {
                var end = i + 1
                while end < chars.count && isNameChar(chars[end]) { end += 1 }
                if end == i + 1 {
                    out.append(c)
                    i += 1
                    continue
                }
                let name = String(String.UnicodeScalarView(chars[(i + 1)..<end]))
                out.append(contentsOf: group(name).unicodeScalars)
                i = end
            }
        }
        return String(out)
    }
}
