/// The named character classes of RE2 syntax: Perl escapes (`\d`), POSIX brackets (`[:alpha:]`)
/// and Unicode general categories (`\p{L}`).
enum NamedClasses {
    // MARK: Perl escapes (ASCII only, as in RE2)

    /// `\d \s \w` (and their upper-case negations), keyed by the escape letter.
    static func perl(_ letter: Unicode.Scalar) -> (set: ScalarSet, negated: Bool)? {
        switch letter {
        case "d": (digit, false)
        case "D": (digit, true)
        case "s": (perlSpace, false)
        case "S": (perlSpace, true)
        case "w": (word, false)
        case "W": (word, true)
        default: nil
        }
    }

    static let digit = ScalarSet([0x30...0x39])
    static let perlSpace = ScalarSet([0x09...0x0A, 0x0C...0x0D, 0x20...0x20])
    /// `[0-9A-Za-z_]`, also what `\b` considers a word character.
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])

    // MARK: POSIX classes (ASCII only)

    /// `[:name:]` contents by name (without the brackets and colons).
    static func posix(_ name: String) -> ScalarSet? {
        switch name {
        case "alnum": ScalarSet([0x30...0x39, 0x41...0x5A, 0x61...0x7A])
        case "alpha": ScalarSet([0x41...0x5A, 0x61...0x7A])
        case "ascii": ScalarSet([0x00...0x7F])
        case "blank": ScalarSet([0x09...0x09, 0x20...0x20])
        case "cntrl": ScalarSet([0x00...0x1F, 0x7F...0x7F])
        case "digit": digit
        case "graph": ScalarSet([0x21...0x7E])
        case "lower": ScalarSet([0x61...0x7A])
        case "print": ScalarSet([0x20...0x7E])
        case "punct": ScalarSet([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
        case "space": ScalarSet([0x09...0x0D, 0x20...0x20])
        case "upper": ScalarSet([0x41...0x5A])
        case "word": word
        case "xdigit": ScalarSet([0x30...0x39, 0x41...0x46, 0x61...0x66])
        default: nil
        }
    }

    // MARK: Unicode general categories

    /// The set named by `\p{name}`: `Any`, `Assigned`, `ASCII`, a general category (`L`, `Lu`, `N`,
    /// `Nd`, `LC`, …) or its long alias (`Letter`, `Uppercase_Letter`, …). Matching ignores case,
    /// underscores, hyphens and spaces. Unicode scripts (`Greek`, `Han`, …) are not supported and
    /// give `nil`, like unknown names.
    static func unicode(_ name: String) -> ScalarSet? {
        let key = String(name.unicodeScalars.filter { $0 != "_" && $0 != "-" && $0 != " " }).lowercased()
        switch key {
        case "any": return .all
        case "ascii": return ScalarSet([0x00...0x7F])
        case "assigned": return categorySet(["cn"])?.inverted()
        default: break
        }
        guard let codes = categoryCodesForName(key) else { return nil }
        return categorySet(codes)
    }

    /// Two-letter category codes for a (lower-cased) category code or alias.
    private static func categoryCodesForName(_ key: String) -> [String]? {
        switch key {
        case "l", "letter": ["lu", "ll", "lt", "lm", "lo"]
        case "lc", "l&", "casedletter": ["lu", "ll", "lt"]
        case "lu", "uppercaseletter": ["lu"]
        case "ll", "lowercaseletter": ["ll"]
        case "lt", "titlecaseletter": ["lt"]
        case "lm", "modifierletter": ["lm"]
        case "lo", "otherletter": ["lo"]
        case "m", "mark", "combiningmark": ["mn", "mc", "me"]
        case "mn", "nonspacingmark": ["mn"]
        case "mc", "spacingmark": ["mc"]
        case "me", "enclosingmark": ["me"]
        case "n", "number": ["nd", "nl", "no"]
        case "nd", "decimalnumber", "digit": ["nd"]
        case "nl", "letternumber": ["nl"]
        case "no", "othernumber": ["no"]
        case "p", "punctuation", "punct": ["pc", "pd", "ps", "pe", "pi", "pf", "po"]
        case "pc", "connectorpunctuation": ["pc"]
        case "pd", "dashpunctuation": ["pd"]
        case "ps", "openpunctuation": ["ps"]
        case "pe", "closepunctuation": ["pe"]
        case "pi", "initialpunctuation": ["pi"]
        case "pf", "finalpunctuation": ["pf"]
        case "po", "otherpunctuation": ["po"]
        case "s", "symbol": ["sm", "sc", "sk", "so"]
        case "sm", "mathsymbol": ["sm"]
        case "sc", "currencysymbol": ["sc"]
        case "sk", "modifiersymbol": ["sk"]
        case "so", "othersymbol": ["so"]
        case "z", "separator": ["zs", "zl", "zp"]
        case "zs", "spaceseparator": ["zs"]
        case "zl", "lineseparator": ["zl"]
        case "zp", "paragraphseparator": ["zp"]
        // Go's C is Cc, Cf, Co and Cs; unassigned code points (Cn) are only reachable by name.
        case "c", "other": ["cc", "cf", "co", "cs"]
        case "cc", "control", "cntrl": ["cc"]
        case "cf", "format": ["cf"]
        case "cs", "surrogate": ["cs"]
        case "co", "privateuse": ["co"]
        case "cn", "unassigned": ["cn"]
        default: nil
        }
    }

    private static func categorySet(_ codes: [String]) -> ScalarSet? {
        var result = ScalarSet()
        for code in codes {
            guard let index = categoryCodes.firstIndex(of: code) else { return nil }
            result.formUnion(ScalarSet(categoryTable[index]))
        }
        return result
    }

    /// Two-letter codes, in the order of `categoryIndex(_:)`.
    private static let categoryCodes = [
        "lu", "ll", "lt", "lm", "lo", "mn", "mc", "me", "nd", "nl", "no", "pc", "pd", "ps", "pe",
        "pi", "pf", "po", "sm", "sc", "sk", "so", "zs", "zl", "zp", "cc", "cf", "cs", "co", "cn",
    ]

    /// Ranges per category (indexed like `categoryCodes`), computed once from the standard library's
    /// properties by one pass over all code points.
    private static let categoryTable: [[ClosedRange<UInt32>]] = {
        var table = [[ClosedRange<UInt32>]](repeating: [], count: categoryCodes.count)
        let surrogate = categoryIndex(.surrogate)
        var current = -1
        var runStart: UInt32 = 0
        var value: UInt32 = 0
        while value <= ScalarSet.maxScalar {
            let index = Unicode.Scalar(value).map { categoryIndex($0.properties.generalCategory) } ?? surrogate
            if index != current {
                if current >= 0 { table[current].append(runStart...(value - 1)) }
                current = index
                runStart = value
            }
            value += 1
        }
        table[current].append(runStart...ScalarSet.maxScalar)
        return table
    }()

    private static func categoryIndex(_ category: Unicode.GeneralCategory) -> Int {
        switch category {
        case .uppercaseLetter: 0
        case .lowercaseLetter: 1
        case .titlecaseLetter: 2
        case .modifierLetter: 3
        case .otherLetter: 4
        case .nonspacingMark: 5
        case .spacingMark: 6
        case .enclosingMark: 7
        case .decimalNumber: 8
        case .letterNumber: 9
        case .otherNumber: 10
        case .connectorPunctuation: 11
        case .dashPunctuation: 12
        case .openPunctuation: 13
        case .closePunctuation: 14
        case .initialPunctuation: 15
        case .finalPunctuation: 16
        case .otherPunctuation: 17
        case .mathSymbol: 18
        case .currencySymbol: 19
        case .modifierSymbol: 20
        case .otherSymbol: 21
        case .spaceSeparator: 22
        case .lineSeparator: 23
        case .paragraphSeparator: 24
        case .control: 25
        case .format: 26
        case .surrogate: 27
        case .privateUse: 28
        case .unassigned: 29
        @unknown default: 29
        }
    }
}
