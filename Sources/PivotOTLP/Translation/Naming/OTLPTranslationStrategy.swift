/// How OTLP metric and attribute names become Prometheus names: the values of Prometheus's
/// `otlp.translation_strategy` setting (raw values are the configuration spellings).
///
/// | strategy | characters outside `[a-zA-Z0-9_:]` | unit / `_total` / `_ratio` suffixes |
/// |---|---|---|
/// | `underscoreEscapingWithSuffixes` (default) | replaced by `_` | added |
/// | `underscoreEscapingWithoutSuffixes` | replaced by `_` | not added |
/// | `noUTF8EscapingWithSuffixes` | kept (UTF-8 names) | added |
/// | `noTranslation` | kept | not added |
public enum OTLPTranslationStrategy: String, CaseIterable, Sendable {
    /// Escape to the classic character set and add unit and type suffixes. Prometheus's default.
    case underscoreEscapingWithSuffixes = "UnderscoreEscapingWithSuffixes"
    /// Escape to the classic character set but add no suffixes (names may collide across types/units).
    case underscoreEscapingWithoutSuffixes = "UnderscoreEscapingWithoutSuffixes"
    /// Keep UTF-8 characters, but still add unit and type suffixes.
    case noUTF8EscapingWithSuffixes = "NoUTF8EscapingWithSuffixes"
    /// Pass metric and label names through unchanged.
    case noTranslation = "NoTranslation"

    /// The default strategy, as in Prometheus 3.
    public static let `default`: OTLPTranslationStrategy = .underscoreEscapingWithSuffixes

    /// True if names are escaped to the classic Prometheus character sets
    /// (`[a-zA-Z0-9_:]` for metric names, `[a-zA-Z0-9_]` for label names).
    public var escapesNames: Bool {
        switch self {
        case .underscoreEscapingWithSuffixes, .underscoreEscapingWithoutSuffixes: true
        case .noUTF8EscapingWithSuffixes, .noTranslation: false
        }
    }

    /// True if metric names get unit suffixes, `_total` for counters and `_ratio` for unit-`1` gauges.
    public var addsSuffixes: Bool {
        switch self {
        case .underscoreEscapingWithSuffixes, .noUTF8EscapingWithSuffixes: true
        case .underscoreEscapingWithoutSuffixes, .noTranslation: false
        }
    }
}
