/// Recursive-descent parser for the TraceQL subset `TraceQLQuery` supports.
///
/// ```
/// query     = "{" [ or ] "}"
/// or        = and { "||" and }
/// and       = primary { "&&" primary }
/// primary   = "(" or ")" | field op literal
/// field     = "." attr | "span." attr | "resource." attr | "name" | "status" | "kind" | "duration"
///           | "span:name" | "span:status" | "span:kind" | "span:duration"
/// attr      = quoted-string | attr-char { attr-char | "." }
/// ```
struct TraceQLParser {
    let bytes: [UInt8]
    var position = 0
    /// Open parentheses around the current position; bounded by `TraceQLQuery.maxNestingDepth`.
    var depth = 0
    /// Conditions read so far; bounded by `TraceQLQuery.maxConditions`.
    var conditions = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func parseQuery() throws(TraceQLError) -> TraceQLQuery.Expression {
        skipSpace()
        guard peek() == UInt8(ascii: "{") else {
            if position >= bytes.count { throw syntax("empty query") }
            let word = peekWord()
            if ["rate", "count_over_time", "quantile_over_time", "histogram_over_time", "min_over_time", "max_over_time",
                "avg_over_time", "sum_over_time", "compare", "topk", "bottomk"].contains(word) {
                throw TraceQLError.unsupported("metrics function \(word)()")
            }
            throw syntax("expected \"{\"")
        }
        position += 1
        skipSpace()
        var expression = TraceQLQuery.Expression.all
        if peek() != UInt8(ascii: "}") {
            expression = try parseOr()
            skipSpace()
        }
        guard peek() == UInt8(ascii: "}") else {
            try rejectUnsupportedOperator()
            throw syntax("expected \"}\"")
        }
        position += 1
        skipSpace()
        if position < bytes.count { try rejectAfterSpanset() }
        return expression
    }

    /// Explains what follows a complete spanset: always an error.
    mutating func rejectAfterSpanset() throws(TraceQLError) {
        if lookingAt("|") && !lookingAt("||") {
            let rest = String(decoding: bytes[position...], as: UTF8.self)
            for (word, feature) in [
                ("select", "select()"), ("count", "aggregate count()"), ("avg", "aggregate avg()"), ("max", "aggregate max()"),
                ("min", "aggregate min()"), ("sum", "aggregate sum()"), ("by", "by()"), ("coalesce", "coalesce()"),
                ("rate", "metrics function rate()"),
            ] where rest.dropFirst().drop(while: { $0 == " " }).hasPrefix(word) {
                throw TraceQLError.unsupported(feature)
            }
            throw TraceQLError.unsupported("pipelines (|)")
        }
        if lookingAt("&&") || lookingAt("||") { throw TraceQLError.unsupported("spanset operators (multiple spansets)") }
        for op in ["!>>", "!<<", "!>", "!<", "!~", ">>", "<<", "&>>", "&<<", "&>", "&<", "&~", ">", "<", "~"] where lookingAt(op) {
            throw TraceQLError.unsupported("structural operator \(op)")
        }
        throw syntax("unexpected text after \"}\"")
    }

    mutating func rejectUnsupportedOperator() throws(TraceQLError) {
        for op in ["+", "-", "*", "/", "%", "^"] where lookingAt(op) {
            throw TraceQLError.unsupported("arithmetic (\(op))")
        }
    }

    mutating func parseOr() throws(TraceQLError) -> TraceQLQuery.Expression {
        var left = try parseAnd()
        while true {
            skipSpace()
            guard lookingAt("||") else { return left }
            position += 2
            left = .or(left, try parseAnd())
        }
    }

    mutating func parseAnd() throws(TraceQLError) -> TraceQLQuery.Expression {
        var left = try parsePrimary()
        while true {
            skipSpace()
            guard lookingAt("&&") else { return left }
            position += 2
            left = .and(left, try parsePrimary())
        }
    }

    mutating func parsePrimary() throws(TraceQLError) -> TraceQLQuery.Expression {
        skipSpace()
        if peek() == UInt8(ascii: "(") {
            guard depth < TraceQLQuery.maxNestingDepth else {
                throw TraceQLError(
                    code: .tooComplex,
                    message: "invalid TraceQL query: parentheses nested deeper than \(TraceQLQuery.maxNestingDepth) levels")
            }
            position += 1
            depth += 1
            defer { depth -= 1 }
            let inner = try parseOr()
            skipSpace()
            guard peek() == UInt8(ascii: ")") else {
                try rejectUnsupportedOperator()
                throw syntax("expected \")\"")
            }
            position += 1
            return inner
        }
        if peek() == UInt8(ascii: "!") && !lookingAt("!=") && !lookingAt("!~") {
            throw TraceQLError.unsupported("negation (!)")
        }
        conditions += 1
        guard conditions <= TraceQLQuery.maxConditions else { throw TraceQLQuery.tooManyConditions() }
        let field = try parseField()
        skipSpace()
        guard let op = parseOperator() else {
            try rejectUnsupportedOperator()
            if peek() == UInt8(ascii: "}") || peek() == UInt8(ascii: ")") || lookingAt("&&") || lookingAt("||") {
                throw TraceQLError.unsupported("conditions without a comparison")
            }
            throw syntax("expected a comparison operator")
        }
        skipSpace()
        let literal = try parseLiteral()
        return .condition(try checkedCondition(field, op, literal))
    }

    func checkedCondition(
        _ field: TraceQLQuery.Field, _ op: TraceQLQuery.Operator, _ literal: TraceQLQuery.Literal
    ) throws(TraceQLError) -> TraceQLQuery.Condition {
        let equality = op == .equal || op == .notEqual
        let ordering = !equality && op != .regexMatch && op != .regexNotMatch
        func invalid(_ what: String) -> TraceQLError {
            TraceQLError(code: .invalidComparison, message: "invalid TraceQL comparison: \(what)")
        }
        switch field {
        case .status:
            guard case .status = literal, equality else { throw invalid("status compares with = or != against ok, error or unset") }
        case .kind:
            guard case .kind = literal, equality else {
                throw invalid("kind compares with = or != against server, client, producer, consumer, internal or unspecified")
            }
        case .duration:
            guard case .duration = literal, equality || ordering else { throw invalid("duration compares with a duration such as 100ms") }
        case .name:
            guard case .string = literal else { throw invalid("name compares with a string") }
        case .attribute:
            switch literal {
            case .status, .kind: throw invalid("an attribute cannot be compared with a status or kind")
            case .nil: guard equality else { throw invalid("nil compares with = or !=") }
            case .bool: guard equality else { throw invalid("booleans compare with = or !=") }
            default: break
            }
        }
        return try TraceQLQuery.Condition(field: field, op: op, value: literal)
    }

    mutating func parseField() throws(TraceQLError) -> TraceQLQuery.Field {
        if peek() == UInt8(ascii: ".") {
            position += 1
            return .attribute(.unscoped, try parseAttributeName())
        }
        let word = peekIdentifier()
        switch word {
        case "span", "resource":
            if position + word.utf8.count < bytes.count, bytes[position + word.utf8.count] == UInt8(ascii: ".") {
                position += word.utf8.count + 1
                return .attribute(word == "span" ? .span : .resource, try parseAttributeName())
            }
        case "event", "link", "instrumentation", "parent", "trace":
            if position + word.utf8.count < bytes.count, bytes[position + word.utf8.count] == UInt8(ascii: ".") {
                throw TraceQLError.unsupported("\(word) attributes (\(word).)")
            }
        case "name", "status", "kind", "duration":
            position += word.utf8.count
            return intrinsic(word)!
        default:
            break
        }
        // Scoped intrinsics such as `span:duration`, `trace:rootService`.
        let scoped = peekWord()
        if let colon = scoped.firstIndex(of: ":") {
            let scope = scoped[..<colon]
            let name = String(scoped[scoped.index(after: colon)...])
            if scope == "span", let field = intrinsic(name) {
                position += scoped.utf8.count
                return field
            }
            throw TraceQLError.unsupported("intrinsic \(scoped)")
        }
        if ["rootName", "rootServiceName", "traceDuration", "statusMessage", "nestedSetLeft", "nestedSetRight",
            "nestedSetParent", "childCount", "parent"].contains(word) {
            throw TraceQLError.unsupported("intrinsic \(word)")
        }
        if word.isEmpty {
            if position >= bytes.count { throw syntax("unexpected end of query") }
            if let literalStart = peek(), literalStart == UInt8(ascii: "\"") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(literalStart) {
                throw TraceQLError.unsupported("a literal on the left of a comparison")
            }
            throw syntax("expected an attribute or intrinsic")
        }
        throw syntax("unknown identifier \"\(word)\" (attributes start with \".\", \"span.\" or \"resource.\")")
    }

    func intrinsic(_ name: String) -> TraceQLQuery.Field? {
        switch name {
        case "name": .name
        case "status": .status
        case "kind": .kind
        case "duration": .duration
        default: nil
        }
    }

    mutating func parseAttributeName() throws(TraceQLError) -> String {
        if peek() == UInt8(ascii: "\"") {
            return try parseQuoted()
        }
        let start = position
        while let c = peek(), !Self.endsAttribute(c) { position += 1 }
        if position == start { throw syntax("expected an attribute name") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    static func endsAttribute(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "~"), UInt8(ascii: "<"),
            UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: ","), UInt8(ascii: "\""),
            UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "%"):
            true
        default:
            false
        }
    }

    mutating func parseOperator() -> TraceQLQuery.Operator? {
        for op in [TraceQLQuery.Operator.regexMatch, .regexNotMatch, .notEqual, .greaterOrEqual, .lessOrEqual, .equal, .greater, .less]
        where lookingAt(op.rawValue) {
            position += op.rawValue.utf8.count
            return op
        }
        return nil
    }

    mutating func parseLiteral() throws(TraceQLError) -> TraceQLQuery.Literal {
        guard let c = peek() else { throw syntax("expected a value") }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") { return .string(try parseQuoted()) }
        if c == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { return try parseNumber() }
        let word = peekIdentifier()
        let literal: TraceQLQuery.Literal? =
            switch word {
            case "true": .bool(true)
            case "false": .bool(false)
            case "nil": .nil
            case "ok": .status(1)
            case "error": .status(2)
            case "unset": .status(0)
            case "unspecified": .kind(0)
            case "internal": .kind(1)
            case "server": .kind(2)
            case "client": .kind(3)
            case "producer": .kind(4)
            case "consumer": .kind(5)
            default: nil
            }
        guard let literal else {
            if c == UInt8(ascii: ".") || word == "span" || word == "resource" || word == "name" || word == "duration" {
                throw TraceQLError.unsupported("comparing two fields")
            }
            throw syntax("expected a value")
        }
        position += word.utf8.count
        return literal
    }

    /// An integer, float or duration (`10ns`, `10us`, `10µs`, `10ms`, `1.5s`, `2m`, `1h`).
    mutating func parseNumber() throws(TraceQLError) -> TraceQLQuery.Literal {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        var sawDigit = false
        var isFloat = false
        while let c = peek() {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) {
                sawDigit = true
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                if c != UInt8(ascii: ".") {
                    // An exponent only when followed by a digit or sign (else it is not part of the number).
                    let next = position + 1 < bytes.count ? bytes[position + 1] : 0
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) || next == UInt8(ascii: "-") || next == UInt8(ascii: "+") else { break }
                    position += 1
                }
                isFloat = true
            } else {
                break
            }
            position += 1
        }
        let numberText = String(decoding: bytes[start..<position], as: UTF8.self)
        guard sawDigit else { throw syntax("invalid number \"\(numberText)\"") }
        let unitStart = position
        while let c = peek(), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || c >= 0x80 { position += 1 }
        let unit = String(decoding: bytes[unitStart..<position], as: UTF8.self)
        if !unit.isEmpty {
            guard let scale = GoDuration.nanoseconds(perUnit: unit), let value = Double(numberText), value >= 0 else {
                throw syntax("invalid duration \"\(numberText)\(unit)\"")
            }
            // Go durations are signed 64-bit nanoseconds (about 292 years); longer ones do not parse.
            let nanoseconds = (value * scale).rounded()
            guard nanoseconds < 0x1p63 else { throw syntax("duration \"\(numberText)\(unit)\" out of range") }
            return .duration(UInt64(nanoseconds))
        }
        if !isFloat, let i = Int64(numberText) { return .int(i) }
        guard let d = Double(numberText) else { throw syntax("invalid number \"\(numberText)\"") }
        return .double(d)
    }

    /// A `"…"` string with `\"`, `\\`, `\n`, `\t`, `\r` escapes, or a raw `` `…` `` string.
    mutating func parseQuoted() throws(TraceQLError) -> String {
        let quote = bytes[position]
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let c = bytes[position]
            position += 1
            if c == quote { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(e)
                default:
                    // Unknown escapes keep the backslash (regexes like "\d" stay intact).
                    out.append(UInt8(ascii: "\\"))
                    out.append(e)
                }
                continue
            }
            out.append(c)
        }
        throw syntax("unterminated string")
    }

    // MARK: - Scanning

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    func lookingAt(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard position + u.count <= bytes.count else { return false }
        return Array(bytes[position..<(position + u.count)]) == u
    }

    /// Letters, digits and `_` from the current position.
    func peekIdentifier() -> String {
        var end = position
        while end < bytes.count, Self.isIdentifierByte(bytes[end]) { end += 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    /// An identifier possibly with `:` inside (`span:duration`).
    func peekWord() -> String {
        var end = position
        while end < bytes.count, Self.isIdentifierByte(bytes[end]) || bytes[end] == UInt8(ascii: ":") { end += 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "_")
    }

    mutating func skipSpace() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
            position += 1
        }
    }

    func syntax(_ what: String) -> TraceQLError {
        TraceQLError(code: .syntax, message: "invalid TraceQL query: \(what) at position \(position + 1)")
    }
}
