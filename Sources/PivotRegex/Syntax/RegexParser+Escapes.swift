extension RegexParser {
    // MARK: Backslash outside classes

    /// Handles a `\` at `position`: assertions, `\Q…\E`, class escapes and single-character escapes.
    mutating func parseBackslash() throws(RegexError) {
        guard position + 1 < scalars.count else {
            throw RegexError(.trailingBackslash, expression: "")
        }
        switch scalars[position + 1] {
        case "A":
            push(.assertion(.beginText))
            position += 2
            return
        case "z":
            push(.assertion(.endText))
            position += 2
            return
        case "b":
            push(.assertion(.wordBoundary))
            position += 2
            return
        case "B":
            push(.assertion(.notWordBoundary))
            position += 2
            return
        case "C":
            throw RegexError(.invalidEscape, expression: text(position..<position + 2))
        case "Q":
            // Everything up to \E (or the end) is literal text.
            var cursor = position + 2
            while cursor < scalars.count {
                if scalars[cursor] == "\\", cursor + 1 < scalars.count, scalars[cursor + 1] == "E" {
                    position = cursor + 2
                    return
                }
                pushLiteral(scalars[cursor].value)
                cursor += 1
            }
            position = cursor
            return
        case "p", "P":
            let set = try parseUnicodeClass()
            push(.oneOf(set))
            return
        default:
            break
        }
        if let group = NamedClasses.perl(scalars[position + 1]) {
            push(.oneOf(groupSet(group.set, negated: group.negated)))
            position += 2
            return
        }
        pushLiteral(try parseEscape())
    }

    /// A named group's set under the current flags: folded first, then negated (as Go does).
    func groupSet(_ set: ScalarSet, negated: Bool) -> ScalarSet {
        let folded = flags.foldCase ? set.caseFolded() : set
        return negated ? folded.inverted() : folded
    }

    /// A single-character escape at `position` (which holds the `\`): punctuation, `\a \f \n \r
    /// \t \v`, octal `\0` / `\123`, hex `\x7F` / `\x{10FFFF}`.
    mutating func parseEscape() throws(RegexError) -> UInt32 {
        let start = position
        guard position + 1 < scalars.count else {
            throw RegexError(.trailingBackslash, expression: "")
        }
        let letter = scalars[position + 1]
        position += 2
        switch letter {
        case "1"..."7" where position < scalars.count && Self.octalValue(scalars[position]) != nil,
            "0":
            var value = UInt32(letter.value - 0x30)
            var digits = 1
            while digits < 3, position < scalars.count, let digit = Self.octalValue(scalars[position]) {
                value = value * 8 + digit
                position += 1
                digits += 1
            }
            return value
        case "1"..."9":
            throw RegexError(
                .unsupportedBackreference, wording: .invalidEscape, expression: text(start..<position),
                hint: "backreferences are not supported in RE2 syntax")
        case "x":
            if let value = parseHexEscape() { return value }
        case "a": return 0x07
        case "f": return 0x0C
        case "n": return 0x0A
        case "r": return 0x0D
        case "t": return 0x09
        case "v": return 0x0B
        default:
            if letter.value < 0x80, !Self.isWordScalar(letter) || letter == "_" { return letter.value }
        }
        throw RegexError(.invalidEscape, expression: text(start..<position))
    }

    /// After `\x`: two hex digits, or one or more in braces up to 0x10FFFF. Leaves `position` after
    /// what it read, also on failure (the error message quotes that much).
    private mutating func parseHexEscape() -> UInt32? {
        guard position < scalars.count else { return nil }
        let first = scalars[position]
        position += 1
        if first == "{" {
            var value: UInt32 = 0
            var digits = 0
            while position < scalars.count {
                let scalar = scalars[position]
                position += 1
                if scalar == "}" { return digits > 0 ? value : nil }
                guard let digit = Self.hexValue(scalar) else { return nil }
                value = value * 16 + digit
                if value > ScalarSet.maxScalar { return nil }
                digits += 1
            }
            return nil
        }
        guard position < scalars.count else { return nil }
        let second = scalars[position]
        position += 1
        guard let high = Self.hexValue(first), let low = Self.hexValue(second) else { return nil }
        return high * 16 + low
    }

    private static func octalValue(_ scalar: Unicode.Scalar) -> UInt32? {
        scalar.value >= 0x30 && scalar.value <= 0x37 ? scalar.value - 0x30 : nil
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar.value {
        case 0x30...0x39: scalar.value - 0x30
        case 0x41...0x46: scalar.value - 0x41 + 10
        case 0x61...0x66: scalar.value - 0x61 + 10
        default: nil
        }
    }

    // MARK: Unicode classes

    /// `\pL`, `\p{Name}`, `\p{^Name}`, `\PL`, `\P{Name}` at `position`, under the current flags.
    mutating func parseUnicodeClass() throws(RegexError) -> ScalarSet {
        let start = position
        var negated = scalars[start + 1] == "P"
        var cursor = start + 2
        var name: String
        if cursor >= scalars.count {
            name = ""
        } else if scalars[cursor] != "{" {
            name = text(cursor..<cursor + 1)
            cursor += 1
        } else {
            guard let close = scalars[start...].firstIndex(of: "}") else {
                throw RegexError(.invalidCharacterClassRange, expression: text(start..<scalars.count))
            }
            name = text(cursor + 1..<close)
            cursor = close + 1
        }
        if name.hasPrefix("^") {
            negated.toggle()
            name.removeFirst()
        }
        guard let set = NamedClasses.unicode(name) else {
            throw RegexError(
                .unsupportedUnicodeClass, wording: .invalidCharacterClassRange, expression: text(start..<cursor),
                hint: "unknown Unicode class; supported are general categories such as L, Lu, N, Nd, P, S, Z, C "
                    + "and their long names, Any, Assigned and ASCII, but not scripts")
        }
        position = cursor
        return groupSet(set, negated: negated)
    }

    // MARK: Bracketed classes

    /// A `[…]` class at `position`.
    mutating func parseClass() throws(RegexError) {
        let classStart = position
        position += 1
        var negated = false
        if position < scalars.count, scalars[position] == "^" {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true  // ']' is literal as the first member
        while position >= scalars.count || scalars[position] != "]" || first {
            first = false
            if position + 2 < scalars.count, scalars[position] == "[", scalars[position + 1] == ":",
                let named = try parsePOSIXClass()
            {
                ranges += named.ranges
                continue
            }
            if position + 1 < scalars.count, scalars[position] == "\\" {
                let letter = scalars[position + 1]
                if letter == "p" || letter == "P" {
                    ranges += try parseUnicodeClass().ranges
                    continue
                }
                if let group = NamedClasses.perl(letter) {
                    ranges += groupSet(group.set, negated: group.negated).ranges
                    position += 2
                    continue
                }
            }
            let rangeStart = position
            let low = try parseClassMember(classStart: classStart)
            var high = low
            if position + 1 < scalars.count, scalars[position] == "-", scalars[position + 1] != "]" {
                position += 1
                high = try parseClassMember(classStart: classStart)
                if high < low {
                    throw RegexError(.invalidCharacterClassRange, expression: text(rangeStart..<position))
                }
            }
            if flags.foldCase {
                ranges += ScalarSet([low...high]).caseFolded().ranges
            } else {
                ranges.append(low...high)
            }
        }
        position += 1  // ']'
        let set = ScalarSet(ranges)
        push(.oneOf(negated ? set.inverted() : set))
    }

    /// `[:name:]` or `[:^name:]` at `position`; `nil` (position unchanged) when no `:]` follows.
    private mutating func parsePOSIXClass() throws(RegexError) -> ScalarSet? {
        var close = position + 2
        while close + 1 < scalars.count, !(scalars[close] == ":" && scalars[close + 1] == "]") {
            close += 1
        }
        guard close + 1 < scalars.count else { return nil }
        let whole = text(position..<close + 2)
        var name = text(position + 2..<close)
        var negated = false
        if name.hasPrefix("^") {
            negated = true
            name.removeFirst()
        }
        guard let set = NamedClasses.posix(name) else {
            throw RegexError(.invalidCharacterClassRange, expression: whole)
        }
        position = close + 2
        return groupSet(set, negated: negated)
    }

    /// One class member (a code point, possibly escaped) at `position`.
    private mutating func parseClassMember(classStart: Int) throws(RegexError) -> UInt32 {
        guard position < scalars.count else {
            throw RegexError(.missingClosingBracket, expression: text(classStart..<scalars.count))
        }
        if scalars[position] == "\\" { return try parseEscape() }
        defer { position += 1 }
        return scalars[position].value
    }
}
