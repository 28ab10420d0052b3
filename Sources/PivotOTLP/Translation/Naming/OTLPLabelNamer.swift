/// Turns an OTLP attribute key into a Prometheus label name, following `prometheus/otlptranslator`
/// v1.0.0 `LabelNamer` with the options Prometheus 3 passes from its `otlp` configuration.
///
/// Escaping strategies:
/// 1. every character (Unicode scalar) outside `[a-zA-Z0-9_]` becomes `_`;
///    with `preserveMultipleUnderscores: false` runs of `_`/invalid characters also collapse to one
///    `_`, except that a reserved name (`__x__`, at least four bytes) keeps its `__` prefix and suffix
///    and only its inside is collapsed;
/// 2. a name starting with a digit gets the prefix `key_` (`1a` → `key_1a`);
/// 3. with `underscoreLabelSanitization`, a name starting with exactly one `_` gets the prefix `key`
///    (`_x` → `key_x`, `_` → `key_`); names starting with `__` are left alone (`__name__`, `__x`).
///
/// UTF-8 strategies (`noUTF8EscapingWithSuffixes`, `noTranslation`) return the key unchanged.
///
/// `labelName` returns "" for an empty key and when the result consists only of `_`
/// (e.g. `__`, or `.` without underscore sanitization); Prometheus then rejects the data point.
///
/// Prometheus's defaults differ from the OpenTelemetry spec, which asks to collapse underscores and has
/// no `key` prefix for `_x`: Prometheus keeps `label_name_preserve_multiple_underscores: true` and
/// `label_name_underscore_sanitization: true` for backwards compatibility, and so do this type's
/// defaults.
public struct OTLPLabelNamer: Sendable {
    public let strategy: OTLPTranslationStrategy
    /// Keep runs of `_` (Prometheus default `true`); `false` collapses them as the spec asks.
    public let preserveMultipleUnderscores: Bool
    /// Prefix `key` to names starting with a single `_` (Prometheus default `true`).
    public let underscoreLabelSanitization: Bool

    public init(
        strategy: OTLPTranslationStrategy = .underscoreEscapingWithSuffixes,
        preserveMultipleUnderscores: Bool = true,
        underscoreLabelSanitization: Bool = true
    ) {
        self.strategy = strategy
        self.preserveMultipleUnderscores = preserveMultipleUnderscores
        self.underscoreLabelSanitization = underscoreLabelSanitization
    }

    /// The label name for an attribute key; "" if the key is empty or its name would be only `_`
    /// (the caller drops it).
    public func labelName(_ key: String) -> String {
        if key.isEmpty { return "" }
        if !strategy.escapesNames {
            return OTLPNameCharacters.isOnlyUnderscores(key) ? "" : key
        }
        if isAlreadyValid(key) { return key }

        var name = preserveMultipleUnderscores ? Self.replacingInvalid(key) : Self.collapsingInvalid(key)
        if OTLPNameCharacters.startsWithDigit(name) {
            name = "key_" + name
        } else if underscoreLabelSanitization, name.utf8.first == UInt8(ascii: "_"), !name.utf8.starts(with: "__".utf8) {
            name = "key" + name
        }
        return OTLPNameCharacters.isOnlyUnderscores(name) ? "" : name
    }

    /// Fast path: true if escaping would return `key` unchanged (only checked with preserved
    /// underscores; the collapsing mode always takes the slow path).
    private func isAlreadyValid(_ key: String) -> Bool {
        guard preserveMultipleUnderscores, !OTLPNameCharacters.startsWithDigit(key) else { return false }
        let bytes = key.utf8
        if underscoreLabelSanitization, bytes.first == UInt8(ascii: "_"), !bytes.starts(with: "__".utf8) {
            return false
        }
        var sawOther = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "_"): continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                sawOther = true
            default: return false
            }
        }
        return sawOther
    }

    private static func replacingInvalid(_ key: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in key.unicodeScalars {
            out.append(OTLPNameCharacters.isClassicLabelCharacter(scalar) ? scalar : "_")
        }
        return String(out)
    }

    private static func collapsingInvalid(_ key: String) -> String {
        let bytes = key.utf8
        let reserved = bytes.count >= 4 && bytes.starts(with: "__".utf8) && OTLPMetricNamer.utf8HasSuffix(key, "__")
        var scalars = Substring(key).unicodeScalars[...]
        if reserved {
            scalars = Substring(key).unicodeScalars.dropFirst(2).dropLast(2)
        }
        var out = String.UnicodeScalarView()
        if reserved { out.append(contentsOf: "__".unicodeScalars) }
        var previousUnderscore = false
        for scalar in scalars {
            if OTLPNameCharacters.isClassicLabelCharacter(scalar) {
                out.append(scalar)
                previousUnderscore = false
            } else if !previousUnderscore {
                out.append("_")
                previousUnderscore = true
            }
        }
        if reserved { out.append(contentsOf: "__".unicodeScalars) }
        return String(out)
    }
}
