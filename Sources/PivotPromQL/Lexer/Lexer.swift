/// Splits a query into tokens with Prometheus's lexing rules (`promql/parser/lex.go`), including its
/// modes: inside `{…}` keywords are plain identifiers; inside `[…]` only durations, numbers, arithmetic
/// and the duration keywords are allowed. The token list ends with `.eof` or with one `.error` token
/// whose range runs from the offending token to the end of the input.
struct Lexer {
    let input: [UInt8]
    /// Where the next rune is read.
    var pos = 0
    /// Where the token being scanned starts.
    var start = 0
    /// The width of the last rune read (0 at the end of the input), so that `backup` can undo one read.
    var width = 0

    var parenDepth = 0
    var braceOpen = false
    var bracketOpen = false
    var gotColon = false
    var gotDuration = false
    /// Whether the next token inside `[…]` is lexed as part of a duration expression.
    var inDurationExpression = false

    init(_ query: String) {
        input = Array(query.utf8)
    }

    /// Every token up to and including `.eof` or the first `.error`.
    static func tokenize(_ query: String) -> [Token] {
        var lexer = Lexer(query)
        var tokens: [Token] = []
        while true {
            let token = lexer.nextToken()
            tokens.append(token)
            if token.kind == .eof || token.kind == .error { return tokens }
        }
    }

    // MARK: - Reading runes

    /// Reads the next rune; nil at the end of the input.
    mutating func next() -> Unicode.Scalar? {
        guard pos < input.count else {
            width = 0
            return nil
        }
        if let (scalar, size) = UTF8Decoding.decode(input, at: pos) {
            width = size
            pos += size
            return scalar
        }
        width = 1
        pos += 1
        return "\u{FFFD}"
    }

    mutating func backup() { pos -= width }

    mutating func peek() -> Unicode.Scalar? {
        let saved = (pos, width)
        defer { (pos, width) = saved }
        return next()
    }

    /// Consumes the next rune when it is one of `valid`.
    mutating func accept(_ valid: String) -> Bool {
        if let rune = next(), valid.unicodeScalars.contains(rune) { return true }
        backup()
        return false
    }

    mutating func acceptRun(_ valid: String) {
        while let rune = next(), valid.unicodeScalars.contains(rune) {}
        backup()
    }

    mutating func peekIs(_ valid: String) -> Bool {
        guard let rune = peek() else { return false }
        return valid.unicodeScalars.contains(rune)
    }

    // MARK: - Producing tokens

    mutating func emit(_ kind: Token.Kind) -> Token {
        let token = Token(kind: kind, text: text(from: start, to: pos), start: start, end: pos)
        start = pos
        return token
    }

    /// An error token from the current token start to the end of the input.
    func error(_ message: String) -> Token {
        Token(kind: .error, text: message, start: start, end: input.count)
    }

    mutating func ignore() { start = pos }

    func text(from: Int, to: Int) -> String { String(decoding: input[from..<to], as: UTF8.self) }

    mutating func nextToken() -> Token {
        while true {
            let produced: Token?
            if braceOpen {
                produced = lexInsideBraces()
            } else if inDurationExpression {
                produced = lexDurationExpression()
            } else {
                produced = lexStatements()
            }
            if let produced { return produced }
        }
    }

    // MARK: - States

    private mutating func lexStatements() -> Token? {
        if pos < input.count, input[pos] == UInt8(ascii: "#") { return lexLineComment() }
        guard let rune = next() else {
            if parenDepth != 0 { return error("unclosed left parenthesis") }
            if bracketOpen { return error("unclosed left bracket") }
            return emit(.eof)
        }
        switch rune {
        case ",": return emit(.comma)
        case " ", "\t", "\n", "\r":
            skipSpaces()
            return nil
        case "*": return emit(.mul)
        case "/": return emit(.div)
        case "%": return emit(.mod)
        case "+": return emit(.add)
        case "-": return emit(.sub)
        case "^": return emit(.pow)
        case "=":
            switch peek() {
            case "=":
                _ = next()
                return emit(.equal)
            case "~":
                return error("unexpected character after '=': \(GoQuote.quoteRune("~"))")
            default:
                return emit(.assign)
            }
        case "!":
            let following = next()
            guard following == "=" else {
                return error("unexpected character after '!': \(GoQuote.quoteRune(following))")
            }
            return emit(.notEqual)
        case "<":
            if accept("=") { return emit(.lessOrEqual) }
            if accept("/") { return emit(.trimUpper) }
            return emit(.less)
        case ">":
            if accept("=") { return emit(.greaterOrEqual) }
            if accept("/") { return emit(.trimLower) }
            return emit(.greater)
        case "\"", "'":
            return lexString(quote: rune)
        case "`":
            return lexRawString()
        case "(":
            parenDepth += 1
            return emit(.leftParen)
        case ")":
            let token = emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return error("unexpected right parenthesis \(GoQuote.quoteRune(")"))") }
            return token
        case "{":
            braceOpen = true
            return emit(.leftBrace)
        case "[":
            if bracketOpen { return error("unexpected left bracket \(GoQuote.quoteRune("["))") }
            gotColon = false
            let token = emit(.leftBracket)
            skipSpaces()
            bracketOpen = true
            inDurationExpression = true
            return token
        case "]":
            if !bracketOpen { return error("unexpected right bracket \(GoQuote.quoteRune("]"))") }
            bracketOpen = false
            return emit(.rightBracket)
        case "@": return emit(.at)
        default:
            if Lexer.isDigit(rune) || (rune == "." && peek().map(Lexer.isDigit) == true) {
                backup()
                return lexNumberOrDuration()
            }
            if Lexer.isAlpha(rune) || rune == ":" {
                if !bracketOpen {
                    backup()
                    return lexKeywordOrIdentifier()
                }
                if rune == ":" {
                    if gotColon { return error("unexpected colon \(GoQuote.quoteRune(":"))") }
                    gotColon = true
                    return emit(.colon)
                }
                if let keyword = scanDurationKeyword(startingWith: rune) { return keyword }
                return error("unexpected character: \(GoQuote.quoteRune(rune)), expected \(GoQuote.quoteRune(":"))")
            }
            return error("unexpected character: \(GoQuote.quoteRune(rune))")
        }
    }

    /// The first tokens after `[`, up to the first number or duration (which hands back to `lexStatements`).
    private mutating func lexDurationExpression() -> Token? {
        guard let rune = next() else { return error("unexpected end of input in duration expression") }
        switch rune {
        case "]":
            bracketOpen = false
            gotColon = false
            inDurationExpression = false
            return emit(.rightBracket)
        case ":":
            let token = emit(.colon)
            if !gotDuration { return error("unexpected colon before duration in duration expression") }
            if gotColon { return error("unexpected repeated colon in duration expression") }
            gotColon = true
            return token
        case "(":
            parenDepth += 1
            return emit(.leftParen)
        case ")":
            let token = emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return error("unexpected right parenthesis \(GoQuote.quoteRune(")"))") }
            return token
        case " ", "\t", "\n", "\r":
            skipSpaces()
            return nil
        case "+": return emit(.add)
        case "-": return emit(.sub)
        case "*": return emit(.mul)
        case "/": return emit(.div)
        case "%": return emit(.mod)
        case "^": return emit(.pow)
        case ",": return emit(.comma)
        default:
            if Lexer.isDurationKeywordStart(rune) {
                if let keyword = scanDurationKeyword(startingWith: rune) { return keyword }
                return error("unexpected character in duration expression: \(GoQuote.quoteRune(rune))")
            }
            if Lexer.isDigit(rune) || (rune == "." && peek().map(Lexer.isDigit) == true) {
                backup()
                gotDuration = true
                inDurationExpression = false
                return lexNumberOrDuration()
            }
            return error("unexpected character in duration expression: \(GoQuote.quoteRune(rune))")
        }
    }

    private mutating func lexInsideBraces() -> Token? {
        if pos < input.count, input[pos] == UInt8(ascii: "#") { return lexLineComment() }
        guard let rune = next() else { return error("unexpected end of input inside braces") }
        switch rune {
        case " ", "\t", "\n", "\r":
            skipSpaces()
            return nil
        case ",": return emit(.comma)
        case "\"", "'": return lexString(quote: rune)
        case "`": return lexRawString()
        case "=":
            if next() == "~" { return emit(.regexMatch) }
            backup()
            return emit(.assign)
        case "!":
            let following = next()
            if following == "~" { return emit(.regexNoMatch) }
            if following == "=" { return emit(.notEqual) }
            return error("unexpected character after '!' inside braces: \(GoQuote.quoteRune(following))")
        case "{": return error("unexpected left brace \(GoQuote.quoteRune("{"))")
        case "}":
            braceOpen = false
            return emit(.rightBrace)
        default:
            if Lexer.isAlpha(rune) {
                while let next = next(), Lexer.isAlphaNumeric(next) {}
                backup()
                return emit(.identifier)
            }
            return error("unexpected character inside braces: \(GoQuote.quoteRune(rune))")
        }
    }

    private mutating func lexLineComment() -> Token {
        pos += 1
        while let rune = next(), rune != "\r", rune != "\n" {}
        backup()
        return emit(.comment)
    }

    private mutating func skipSpaces() {
        while let rune = peek(), Lexer.isSpace(rune) { _ = next() }
        ignore()
    }

    private mutating func lexKeywordOrIdentifier() -> Token {
        while let rune = next(), Lexer.isAlphaNumeric(rune) || rune == ":" {}
        backup()
        let word = text(from: start, to: pos)
        if let keyword = Token.keywords[word.lowercased()] {
            if keyword == .fill || keyword == .fillLeft || keyword == .fillRight, !followedByLeftParen() {
                return emit(.identifier)
            }
            return emit(keyword)
        }
        return emit(word.contains(":") ? .metricIdentifier : .identifier)
    }

    /// Whether the next non-space character is `(` (`fill` is a keyword only then).
    private func followedByLeftParen() -> Bool {
        var index = pos
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                index += 1
                continue
            }
            return byte == UInt8(ascii: "(")
        }
        return false
    }

    /// Reads a word after its first letter and emits it when it is `step`, `range`, `max_of` or `min_of`
    /// (case-insensitive). Otherwise leaves the word consumed and returns nil.
    private mutating func scanDurationKeyword(startingWith first: Unicode.Scalar) -> Token? {
        guard Lexer.isDurationKeywordStart(first) else { return nil }
        while let rune = next(), Lexer.isAlpha(rune) {}
        backup()
        guard let keyword = Token.durationKeywords[text(from: start, to: pos).lowercased()] else { return nil }
        return emit(keyword)
    }

    // MARK: - Character classes

    static func isSpace(_ rune: Unicode.Scalar) -> Bool { rune == " " || rune == "\t" || rune == "\n" || rune == "\r" }
    static func isDigit(_ rune: Unicode.Scalar) -> Bool { rune >= "0" && rune <= "9" }
    static func isAlpha(_ rune: Unicode.Scalar) -> Bool {
        rune == "_" || (rune >= "a" && rune <= "z") || (rune >= "A" && rune <= "Z")
    }
    static func isAlphaNumeric(_ rune: Unicode.Scalar) -> Bool { isAlpha(rune) || isDigit(rune) }
    static func isDurationKeywordStart(_ rune: Unicode.Scalar) -> Bool {
        let lower = rune.properties.lowercaseMapping
        return lower == "s" || lower == "r" || lower == "m"
    }
}
