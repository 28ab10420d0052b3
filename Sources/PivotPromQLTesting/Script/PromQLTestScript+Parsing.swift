import Foundation
import PivotModel
import PivotPromQL

extension PromQLTestScript {
    /// Parses a script. Problems with single commands become `.invalid` commands so that the rest of the
    /// file still runs.
    public init(parsing text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        lines = lines.map { $0.hasPrefix("#") ? "" : $0 }
        var commands: [Command] = []
        var i = 0
        while i < lines.count {
            let header = lines[i]
            if header.isEmpty {
                i += 1
                continue
            }
            let word = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)?.lowercased() ?? ""
            if word == "clear" {
                // `clear` is a single line; the next line may start another command.
                commands.append(.clear)
                i += 1
                continue
            }
            var body: [(Int, String)] = []
            var j = i + 1
            while j < lines.count && !lines[j].isEmpty {
                body.append((j + 1, lines[j]))
                j += 1
            }
            do {
                if word.hasPrefix("load") {
                    commands.append(.load(try Self.parseLoad(header, line: i + 1, body: body)))
                } else if word.hasPrefix("eval") {
                    commands.append(.eval(try Self.parseEval(header, line: i + 1, body: body)))
                } else {
                    commands.append(.invalid(line: i + 1, message: "unknown command \(word)"))
                }
            } catch {
                commands.append(.invalid(line: i + 1, message: error.message))
            }
            i = j
        }
        self.init(commands: commands)
    }

    struct ScriptError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func duration(_ text: some StringProtocol) throws(ScriptError) -> Int64 {
        do {
            return try parseDuration(String(text))
        } catch {
            throw ScriptError("invalid duration \(text)")
        }
    }

    private static func parseLoad(_ header: String, line: Int, body: [(Int, String)]) throws(ScriptError) -> Load {
        let parts = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2 else { throw ScriptError("invalid load command: \(header)") }
        var load = Load(line: line, interval: try duration(parts[1]), series: [], skippedHistogramSeries: 0)
        var index: [Labels: Int] = [:]
        for (_, text) in body {
            let (selector, values) = try splitSeries(text)
            if selector.hasSuffix("@st") { continue }  // start timestamps: only in tagged cases
            if values.contains("{{") {
                load.skippedHistogramSeries += 1
                continue
            }
            let labels = try seriesLabels(selector)
            let expanded = try expand(values)
            if let at = index[labels] {
                load.series[at] = (labels, expanded)
            } else {
                index[labels] = load.series.count
                load.series.append((labels, expanded))
            }
        }
        return load
    }

    private static func parseEval(_ header: String, line: Int, body: [(Int, String)]) throws(ScriptError) -> Eval {
        let words = header.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
        let command = String(words[0]).lowercased()
        var rest = words.count > 1 ? Substring(words[1]) : ""
        func nextWord() -> Substring {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let word = rest.prefix { $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(word.count)
            return word
        }
        var eval: Eval
        let kindWord = nextWord().lowercased()
        if kindWord == "instant" {
            var word = nextWord()
            if word.lowercased() == "at" { word = nextWord() }
            eval = Eval(line: line, kind: .instant(at: try duration(word)), query: "")
        } else if kindWord == "range" {
            guard nextWord().lowercased() == "from" else { throw ScriptError("invalid range eval: \(header)") }
            let start = try duration(nextWord())
            guard nextWord().lowercased() == "to" else { throw ScriptError("invalid range eval: \(header)") }
            let end = try duration(nextWord())
            guard nextWord().lowercased() == "step" else { throw ScriptError("invalid range eval: \(header)") }
            let step = try duration(nextWord())
            guard end >= start else { throw ScriptError("invalid range eval: end before start") }
            eval = Eval(line: line, kind: .range(start: start, end: end, step: step), query: "")
        } else {
            throw ScriptError("invalid eval command: \(header)")
        }
        eval.query = String(rest.drop { $0 == " " || $0 == "\t" })
        switch command {
        case "eval_fail": eval.expectFail = true
        case "eval_warn": eval.warnings.append(nil)
        case "eval_info": eval.infos.append(nil)
        case "eval_ordered": eval.ordered = true
        default: break
        }
        for (_, text) in body {
            let firstWord = text.prefix { $0 != " " && $0 != "\t" }
            if firstWord == "expect" {
                try parseExpect(text, into: &eval)
                continue
            }
            if let number = parseBareNumber(text) {
                eval.expectedScalar = number
                break
            }
            let (selector, values) = try splitSeries(text)
            if values.contains("{{") || selector.contains("{{") {
                eval.expectsHistograms = true
                continue
            }
            eval.expectedSeries.append((try seriesLabels(selector), try expand(values)))
        }
        return eval
    }

    private static func parseExpect(_ text: String, into eval: inout Eval) throws(ScriptError) {
        var rest = text.dropFirst("expect".count).drop { $0 == " " || $0 == "\t" }
        let type = rest.prefix { $0 != " " && $0 != "\t" }
        rest = rest.dropFirst(type.count).drop { $0 == " " || $0 == "\t" }
        switch type {
        case "string":
            let quoted = String(rest)
            guard let unquoted = unquote(quoted) else { throw ScriptError("invalid expect string: \(text)") }
            eval.expectedString = unquoted
            return
        case "range":
            // expect range vector from <start> to <end> step <step>
            let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 7, words[0] == "vector", words[1] == "from", words[3] == "to", words[5] == "step" else {
                throw ScriptError("invalid expect range vector: \(text)")
            }
            eval.rangeVector = (try duration(words[2]), try duration(words[4]), try duration(words[6]))
            return
        default: break
        }
        var matcher: MessageMatcher?
        if rest.hasPrefix("msg:") {
            matcher = .exact(rest.dropFirst(4).trimmingCharacters(in: .whitespaces))
        } else if rest.hasPrefix("regex:") {
            matcher = .regex(rest.dropFirst(6).trimmingCharacters(in: .whitespaces))
        } else if !rest.isEmpty {
            throw ScriptError("invalid expect line: \(text)")
        }
        switch type {
        case "fail":
            eval.expectFail = true
            eval.failMatcher = matcher
        case "warn": eval.warnings.append(matcher)
        case "info": eval.infos.append(matcher)
        case "no_warn": eval.noWarn = true
        case "no_info": eval.noInfo = true
        case "ordered": eval.ordered = true
        default: throw ScriptError("invalid expect type: \(text)")
        }
    }

    /// Go's `ParseInt(s, 0, 64)` then `ParseFloat`: a line that is just a number.
    static func parseBareNumber(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, !t.contains(" "), !t.contains("{") else { return nil }
        var body = Substring(t)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let lower = body.lowercased()
        let radix: Int? = lower.hasPrefix("0x") ? 16 : lower.hasPrefix("0o") ? 8 : lower.hasPrefix("0b") ? 2 : nil
        if let radix, let value = Int64(lower.dropFirst(2), radix: radix) { return Double(negative ? -value : value) }
        switch lower {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        guard body.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }),
              let value = Double(body) else { return nil }
        return negative ? -value : value
    }

    /// Splits `selector values…` at the first blank outside quotes and braces.
    static func splitSeries(_ text: String) throws(ScriptError) -> (String, String) {
        var depth = 0
        var quote: Character?
        var escaped = false
        for (offset, ch) in text.enumerated() {
            if let q = quote {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "\"", "'", "`": quote = ch
            case "{": depth += 1
            case "}": depth -= 1
            case " " where depth == 0, "\t" where depth == 0:
                let index = text.index(text.startIndex, offsetBy: offset)
                return (String(text[..<index]), String(text[index...]).trimmingCharacters(in: .whitespaces))
            default: break
            }
        }
        return (text, "")
    }

    /// The labels of a series written as a selector with equality matchers.
    static func seriesLabels(_ selector: String) throws(ScriptError) -> Labels {
        let matchers: [LabelMatcher]
        do {
            matchers = try parseMetricSelector(selector)
        } catch {
            throw ScriptError("invalid series \(selector): \(error.description)")
        }
        return Labels(matchers.map { Label(name: $0.name, value: $0.value) })
    }

    /// The most values one series line may expand to (`0+1x1000000` is the largest accepted). Prometheus's
    /// own scripts expand to at most about 10,000; the bound keeps a typo from allocating without limit.
    static let maxExpandedValues = 1_000_000

    /// Expands the value notation (`1+2x3 _ stale _x2 5`). Repeat counts must be non-negative and the
    /// line must expand to at most `maxExpandedValues` values.
    static func expand(_ text: String) throws(ScriptError) -> [SequenceValue] {
        var out: [SequenceValue] = []
        /// The count of values `item` adds, checked against the bound.
        func repeated(_ count: Int, _ item: String) throws(ScriptError) -> Int {
            guard count >= 0, count <= maxExpandedValues - out.count else {
                throw ScriptError("invalid value \(item): expands to more than \(maxExpandedValues) values or a negative count")
            }
            return count
        }
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let item = String(token)
            if item == "_" {
                out.append(.missing)
                continue
            }
            if item == "stale" {
                out.append(.value(StaleMarker.value))
                continue
            }
            if item.hasPrefix("_x"), let n = Int(item.dropFirst(2)) {
                out += Array(repeating: .missing, count: try repeated(n, item))
                continue
            }
            if let x = item.lastIndex(of: "x"), let count = Int(item[item.index(after: x)...]) {
                // `vxN` is N + 1 values.
                let n = try repeated(count, item)
                _ = try repeated(n + 1, item)
                let head = String(item[..<x])
                // Find a + or - that is not a leading sign and not an exponent sign.
                var opIndex: String.Index?
                var index = head.isEmpty ? head.endIndex : head.index(after: head.startIndex)
                while index < head.endIndex {
                    let ch = head[index]
                    let previous = head[head.index(before: index)]
                    if (ch == "+" || ch == "-") && previous != "e" && previous != "E" { opIndex = index }
                    index = head.index(after: index)
                }
                if let opIndex {
                    guard let start = number(String(head[..<opIndex])),
                          let increment = number(String(head[head.index(after: opIndex)...])) else {
                        throw ScriptError("invalid value \(item)")
                    }
                    var value = start
                    let step = head[opIndex] == "-" ? -increment : increment
                    for _ in 0...n {
                        out.append(.value(value))
                        value += step
                    }
                } else {
                    guard let value = number(head) else { throw ScriptError("invalid value \(item)") }
                    out += Array(repeating: .value(value), count: n + 1)
                }
                continue
            }
            guard let value = number(item) else { throw ScriptError("invalid value \(item)") }
            out.append(.value(value))
        }
        return out
    }

    static func number(_ text: String) -> Double? {
        var t = text.replacingOccurrences(of: "_", with: "")
        var negative = false
        if t.first == "-" || t.first == "+" {
            negative = t.first == "-"
            t.removeFirst()
        }
        let value: Double?
        switch t.lowercased() {
        case "inf": value = .infinity
        case "nan": value = .nan
        default:
            value = t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" })
                ? Double(t) : nil
        }
        guard let value else { return nil }
        return negative ? -value : value
    }

    /// Go's `strconv.Unquote` for the forms scripts use: `"…"` with escapes, `` `…` `` raw.
    static func unquote(_ text: String) -> String? {
        guard text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "`" || first == "'" else {
            return nil
        }
        let inner = String(text.dropFirst().dropLast())
        if first == "`" { return inner }
        var out = ""
        var escaped = false
        for ch in inner {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
