/// Turns an OTLP metric's name, unit and shape into a Prometheus metric family name, following
/// `prometheus/otlptranslator` v1.0.0 (`MetricNamer`, `UnitNamer`) as used by Prometheus 3.
///
/// Escaping strategies with suffixes (`underscoreEscapingWithSuffixes`):
/// 1. the name is split into tokens at every character outside `[a-zA-Z0-9:]` (the `_` included), so
///    runs of `_` and invalid characters collapse to one `_`, and leading/trailing ones disappear;
/// 2. the unit word (see `OTLPUnitWords`) is appended as a token unless some token already equals it;
///    then `per_<word>` for a `a/b` unit (a token can never contain `_`, so this part is always added);
/// 3. counters: every `total` token is removed and `total` appended; gauges with unit exactly `1`:
///    every `ratio` token is removed and `ratio` appended (so the unit comes before `_total`);
/// 4. the namespace, if any, is prepended unescaped; tokens are joined with `_`;
/// 5. a name starting with an ASCII digit gets a `_` prefix.
///
/// `underscoreEscapingWithoutSuffixes`: characters outside `[a-zA-Z0-9_:]` become `_` with runs of them
/// collapsed, but existing `_` runs are kept; the namespace is escaped the same way and joined with `_`
/// (no digit check then); otherwise a leading digit gets a `_` prefix.
///
/// UTF-8 strategies keep the name's characters. `noUTF8EscapingWithSuffixes` removes a trailing
/// `ratio`/`total`/`per_<word>` (plus the one character before it) and re-appends it, and appends the
/// unit word unless the name already ends with it; so the order is unit, per-unit, `_total`/`_ratio`.
/// `noTranslation` returns `namespace_name` (or the name if there is no namespace).
///
/// Differences from the OpenTelemetry spec (v1.60.0), where Prometheus's behaviour is chosen:
/// * the spec adds the unit "unless the metric name already ends with the unit"; the escaping
///   translator skips it if the unit word is any token of the name (`a_seconds_b` + `s` → no suffix);
/// * the spec keeps a name ending in `_total` unchanged; the translator moves any `total` token to the
///   end (`total_requests` counter → `requests_total`);
/// * `_ratio` for unit-`1` gauges is a Prometheus addition; counters with unit `1` get no suffix.
///
/// `metricName` returns "" when Prometheus rejects the name (the result is empty, or consists only of
/// `_` although it differs from the input); Prometheus then drops the whole metric.
public struct OTLPMetricNamer: Sendable {
    public let strategy: OTLPTranslationStrategy
    /// Prefix joined to every name with `_`; "" for none. Prometheus's OTLP receiver sets none.
    public let namespace: String

    public init(strategy: OTLPTranslationStrategy = .underscoreEscapingWithSuffixes, namespace: String = "") {
        self.strategy = strategy
        self.namespace = namespace
    }

    /// The metric family name: for classic histograms and summaries the BASE name (caller appends
    /// `_bucket`/`_sum`/`_count`). "" means the metric must be dropped.
    public func metricName(name: String, unit: String, shape: OTLPMetricShape) -> String {
        if !strategy.escapesNames {
            return utf8Name(name: name, unit: unit, shape: shape)
        }
        let result = strategy.addsSuffixes
            ? escapedNameWithSuffixes(name: name, unit: unit, shape: shape)
            : escapedNameWithoutSuffixes(name: name)
        if result.isEmpty { return "" }
        if result != name, OTLPNameCharacters.isOnlyUnderscores(result) { return "" }
        return result
    }

    /// The unit as Prometheus 3 stores it in metadata for this OTLP unit: the unit words of
    /// `OTLPUnitWords`, escaped, as `main_per_<word>`, with one leading and one trailing `_` removed.
    /// Annotations (`{request}`) and `1` give "". Examples: `s` → `seconds`, `By/s` →
    /// `bytes_per_second`, `{packet}/s` → `per_second`, `kBy` → `kBy`.
    ///
    /// Prometheus escapes the metadata unit whatever the translation strategy (its converter uses a
    /// default `UnitNamer`), so this does too.
    public func metadataUnit(_ unit: String) -> String {
        let words = OTLPUnitWords.split(unit)
        let main = OTLPUnitWords.escape(words.main)
        let per = OTLPUnitWords.escape(words.per)
        var joined: Substring
        if !main.isEmpty, !per.isEmpty {
            joined = Substring(main + "_" + per)
        } else if !main.isEmpty {
            joined = Substring(main)
        } else {
            joined = Substring(per)
        }
        if joined.first == "_" { joined.removeFirst() }
        if joined.last == "_" { joined.removeLast() }
        return String(joined)
    }

    // MARK: - Escaping strategies

    private func escapedNameWithSuffixes(name: String, unit: String, shape: OTLPMetricShape) -> String {
        var tokens = Self.tokens(of: name, keepingUnderscores: false)
        let words = OTLPUnitWords.split(unit)
        var main = OTLPUnitWords.escape(words.main)
        var per = OTLPUnitWords.escape(words.per)
        if tokens.contains(main) { main = "" }
        if per == "per_" {
            per = ""
        } else {
            if per.hasSuffix("_") { per.removeLast() }
            if tokens.contains(per) { per = "" }
        }
        if !per.isEmpty, main.hasSuffix("_") { main.removeLast() }
        if !main.isEmpty { tokens.append(main) }
        if !per.isEmpty { tokens.append(per) }

        if shape == .counter {
            tokens.removeAll { $0 == "total" }
            tokens.append("total")
        }
        if unit == "1", shape == .gauge {
            tokens.removeAll { $0 == "ratio" }
            tokens.append("ratio")
        }
        if !namespace.isEmpty { tokens.insert(namespace, at: 0) }
        let joined = tokens.joined(separator: "_")
        return OTLPNameCharacters.startsWithDigit(joined) ? "_" + joined : joined
    }

    private func escapedNameWithoutSuffixes(name: String) -> String {
        let escaped = Self.tokens(of: name, keepingUnderscores: true).joined(separator: "_")
        if !namespace.isEmpty {
            let escapedNamespace = Self.tokens(of: namespace, keepingUnderscores: true).joined(separator: "_")
            return escapedNamespace + "_" + escaped
        }
        return OTLPNameCharacters.startsWithDigit(escaped) ? "_" + escaped : escaped
    }

    /// Splits at characters outside `[a-zA-Z0-9:]` (and outside `_` when `keepingUnderscores`),
    /// dropping empty pieces.
    private static func tokens(of s: String, keepingUnderscores: Bool) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if OTLPNameCharacters.isClassicMetricCharacter(scalar) || (keepingUnderscores && scalar == "_") {
                current.append(scalar)
            } else if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    // MARK: - UTF-8 strategies

    private func utf8Name(name: String, unit: String, shape: OTLPMetricShape) -> String {
        var result = namespace.isEmpty ? name : namespace + "_" + name
        guard strategy.addsSuffixes else { return result }

        var trailing: [String] = []  // appended in reverse order at the end
        if unit == "1", shape == .gauge {
            result = Self.removingSuffixAndDelimiter(result, "ratio")
            trailing.append("ratio")
        }
        if shape == .counter {
            result = Self.removingSuffixAndDelimiter(result, "total")
            trailing.append("total")
        }
        let words = OTLPUnitWords.split(unit)
        if !words.per.isEmpty {
            result = Self.removingSuffixAndDelimiter(result, words.per)
            trailing.append(words.per)
        }
        if !words.main.isEmpty, !Self.utf8HasSuffix(result, words.main) {
            result += "_" + words.main
        }
        for suffix in trailing.reversed() {
            result += "_" + suffix
        }
        return result
    }

    /// Removes `suffix` plus the one character before it, if `s` ends with `suffix` and is longer than
    /// it by more than one byte.
    private static func removingSuffixAndDelimiter(_ s: String, _ suffix: String) -> String {
        guard utf8HasSuffix(s, suffix), s.utf8.count > suffix.utf8.count + 1 else { return s }
        var scalars = s.unicodeScalars
        scalars.removeLast(suffix.unicodeScalars.count + 1)
        return String(scalars)
    }

    /// Byte-wise suffix test (Swift's `hasSuffix` compares grapheme clusters).
    static func utf8HasSuffix(_ s: String, _ suffix: String) -> Bool {
        let a = s.utf8, b = suffix.utf8
        guard a.count >= b.count else { return false }
        return a.suffix(b.count).elementsEqual(b)
    }
}
