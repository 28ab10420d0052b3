/// A deterministic pseudo-random generator (SplitMix64), so generated test inputs are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes random well-typed PromQL queries in varied spellings (spacing, case, quoting, number forms).
struct QueryGenerator {
    var rng: SplitMix64

    private mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }
    private mutating func space() -> String { pick(["", " ", "  ", "\n", "\t"]) }

    mutating func selector() -> String {
        let name = pick(["foo", "http_requests_total", "a:b:c", "sum", "by", "offset", "nan_metric", ""])
        var matchers: [String] = []
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let labels = ["job", "instance", "\"a.b\"", "le", "`raw`"]
            let label = pick(name.isEmpty ? labels + ["__name__"] : labels)
            let op = pick(["=", "!=", "=~", "!~"])
            let value = pick(["\"x\"", "'y'", "`z.*`", "\"a\\\"b\"", "\"\\u00e9\\n\"", "\".+\""])
            matchers.append(label + space() + op + space() + value)
        }
        if name.isEmpty {
            matchers.append(pick(["\"quoted.name\"", "job=\"required\"", "__name__=~\"x.+\""]))
        }
        var text = name
        if !matchers.isEmpty || chance(20) {
            text += "{" + matchers.joined(separator: "," + space()) + (!matchers.isEmpty && chance(20) ? "," : "") + "}"
        }
        return text
    }

    mutating func duration() -> String { pick(["5m", "1h30m", "30s", "1d", "2w", "1y", "100ms", "10", "0.5", "1m30s500ms"]) }

    mutating func modifiers(allowOffset: Bool = true) -> String {
        var out = ""
        if chance(15) { out += " @ " + pick(["100", "-5.5", "start()", "END()", "1e3", "+2"]) }
        if allowOffset && chance(20) { out += " offset " + pick(["5m", "-1h", "30", "-(step())", "(1h / 2)", "step()"]) }
        return out
    }

    mutating func rangeText() -> String {
        chance(80) ? duration() : pick(["step()", "5m + 1m", "2 * step()", "max_of(1m, step())", "(1h) / 2", "-(-5m)"])
    }

    mutating func vector(depth: Int) -> String {
        if depth <= 0 { return selector() + modifiers() }
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: return selector() + modifiers()
        case 1: return pick(["rate", "increase", "delta", "max_over_time", "changes"]) + "(" + selector() + "["
            + rangeText() + "]" + pick(["", " anchored", " smoothed"]) + modifiers() + ")"
        case 2:
            let op = pick(["sum", "avg", "MAX", "min", "count", "group", "stddev", "stdvar"])
            let clause = pick(["", " by (job)", " without (instance, \"a.b\")", " BY ()", " by (job,)"])
            return chance(50) ? op + clause + space() + "(" + vector(depth: depth - 1) + ")"
                : op + "(" + vector(depth: depth - 1) + ")" + clause
        case 3:
            let op = pick(["topk", "bottomk", "quantile", "limitk", "limit_ratio"])
            return op + "(" + scalar(depth: depth - 1) + "," + space() + vector(depth: depth - 1) + ")"
        case 4: return "count_values(\"value\", " + vector(depth: depth - 1) + ")"
        case 5:
            let op = pick(["+", "-", "*", "/", "%", "^", "atan2", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless"])
            let isSet = ["and", "or", "unless"].contains(op)
            var modifier = ""
            if !isSet && ["==", "!=", ">", "<", ">=", "<="].contains(op) && chance(30) { modifier += " bool" }
            if chance(40) {
                modifier += pick([" on (job)", " ignoring (instance)", " on ()", " ignoring()"])
                if !isSet && chance(40) { modifier += pick([" group_left ()", " group_right (x)", " group_left (a, \"b.c\")"]) }
            }
            if !isSet && chance(20) { modifier += pick([" fill(0)", " fill_left(-1) fill_right(2)", " fill_right(NaN)"]) }
            let gap = op.first!.isLetter || !modifier.isEmpty ? " " : space()
            return vector(depth: depth - 1) + gap + op + modifier + " " + vector(depth: depth - 1)
        case 6: return "(" + space() + vector(depth: depth - 1) + space() + ")"
        case 7: return pick(["-", "+"]) + vector(depth: depth - 1)
        case 8: return pick(["abs", "ceil", "sort", "histogram_count", "timestamp"]) + "(" + vector(depth: depth - 1) + ")"
        case 9: return pick(["max_over_time", "avg_over_time"]) + "((" + vector(depth: depth - 1) + ")[" + duration() + ":"
            + (chance(50) ? rangeText() : "") + "]" + modifiers() + ")"
        case 10:
            let op = pick(["+", "*", "-", "^", "/"])
            return "(" + vector(depth: depth - 1) + space() + op + space() + scalar(depth: depth - 1) + ")"
        default: return "label_replace(" + vector(depth: depth - 1) + ", \"dst\", \"$1\", \"src\", \"(.*)\")"
        }
    }

    mutating func scalar(depth: Int) -> String {
        if depth <= 0 { return number() }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return number()
        case 1: return "scalar(" + vector(depth: depth - 1) + ")"
        case 2: return pick(["time()", "pi()", "step()", "start()"])
        case 3:
            let op = pick(["+", "-", "*", "/", "%", "^", "atan2", "== bool", ">= bool"])
            return scalar(depth: depth - 1) + " " + op + " " + scalar(depth: depth - 1)
        case 4: return "(" + scalar(depth: depth - 1) + ")"
        default: return pick(["-", "+"]) + scalar(depth: depth - 1)
        }
    }

    mutating func number() -> String {
        pick(["1", "0", "-2", "3.25", ".5", "5.", "1e3", "1E-3", "0x1F", "0755", "1_000", "Inf", "-inf", "NaN", "5m", "1h30m",
              "+7", "2.5e+10", "123456789012345678901234567890"])
    }
}
