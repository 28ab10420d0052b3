extension Lexer {
    /// A number (`1`, `0x1f`, `1.5e3`, `1_000`) or a duration (`5m`, `1h30m`, `10s53ms`).
    mutating func lexNumberOrDuration() -> Token {
        if scanNumber() { return emit(.number) }
        if acceptRemainingDuration() {
            backup()
            return emit(.duration)
        }
        return error("bad number or duration syntax: \(GoQuote.quote(text(from: start, to: pos)))")
    }

    /// After a number, the rest of a duration: a unit, then more `<digits><unit>` groups, then a
    /// non-alphanumeric character (consumed; the caller backs up). Bad unit orders are left to the
    /// duration parser.
    private mutating func acceptRemainingDuration() -> Bool {
        guard accept("smhdwy") else { return false }
        _ = accept("s")
        while accept("0123456789") {
            while accept("0123456789") {}
            guard accept("smhdw") else { return false }
            _ = accept("s")
        }
        guard let rune = next() else { return true }
        return !Lexer.isAlphaNumeric(rune)
    }

    /// Scans the characters of a number. The text is not necessarily a valid number; the parser checks it.
    private mutating func scanNumber() -> Bool {
        let initial = pos
        var digits = "0123456789"
        if accept("0") && accept("xX") {
            _ = accept("_")
            digits = "0123456789abcdefABCDEF"
        }
        let isHex = digits.count > 10
        _ = accept(".")
        _ = accept(digits)
        var dotConsumed = false
        var exponentConsumed = false
        while peekIs(digits + "._eE") {
            if peekIs("."), dotConsumed {
                _ = accept(".")
                return false
            }
            if peekIs("eE"), exponentConsumed {
                _ = accept("eE")
                return false
            }
            if accept(".") {
                dotConsumed = true
                if accept("_.") { return false }
                if isHex { return false }
                continue
            }
            if accept("eE") {
                exponentConsumed = true
                _ = accept("+-")
                if accept("._eE") || peek() == nil { return false }
                continue
            }
            if accept("_") {
                if accept("._eE") || peek() == nil { return false }
                continue
            }
            acceptRun(digits)
        }
        if pos == initial { return false }
        guard let following = peek() else { return true }
        return !Lexer.isAlphaNumeric(following)
    }
}
