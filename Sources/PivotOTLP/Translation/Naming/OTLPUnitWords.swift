/// The UCUM-to-word tables used for unit suffixes and unit metadata, following
/// `prometheus/otlptranslator` v1.0.0 (`metric_namer.go` `unitMap` / `perUnitMap`).
///
/// Discrepancies with the OpenTelemetry spec (v1.60.0, "Metric Metadata" table), where Prometheus's
/// behaviour is chosen:
/// * the spec lists `kBy` → `kilobytes`; Prometheus maps the upper-case `KBy` instead, so `kBy` has
///   no entry and passes through as the word `kBy`;
/// * the spec says `TiBy` → `tebibytes`; Prometheus produces `tibibytes` (sic);
/// * Prometheus also maps `1` → no word (gauges get `_ratio` instead, see `OTLPMetricNamer`).
enum OTLPUnitWords {
    /// Main (numerator) units.
    static let main: [String: String] = [
        // time
        "d": "days", "h": "hours", "min": "minutes", "s": "seconds",
        "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds",
        // bytes
        "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes", "TiBy": "tibibytes",
        "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
        // SI
        "m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams",
        // misc
        "Cel": "celsius", "Hz": "hertz", "1": "", "%": "percent",
    ]

    /// Denominator units of `a/b`, in the singular ("per second").
    static let per: [String: String] = [
        "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
    ]

    /// Splits an OTLP unit at its first `/` and translates both halves to words, unescaped.
    ///
    /// A half that is blank after trimming white space, or that contains `{` or `}` (a UCUM annotation),
    /// yields "". Unknown units pass through unchanged. A non-empty denominator comes back as
    /// `per_<word>`.
    static func split(_ unit: String) -> (main: String, per: String) {
        let slash = unit.firstIndex(of: "/")
        let mainRaw = slash.map { String(unit[..<$0]) } ?? unit
        var main = ""
        let mainTrimmed = trimWhitespace(mainRaw)
        if !mainTrimmed.isEmpty, !containsBrace(mainTrimmed) {
            main = Self.main[mainTrimmed] ?? mainTrimmed
        }
        var per = ""
        if let slash {
            let perTrimmed = trimWhitespace(String(unit[unit.index(after: slash)...]))
            if !perTrimmed.isEmpty, !containsBrace(perTrimmed) {
                per = "per_" + (Self.per[perTrimmed] ?? perTrimmed)
            }
        }
        return (main, per)
    }

    /// Escapes a unit word for classic names: characters outside `[a-zA-Z0-9:]` become `_`, runs of `_`
    /// collapse to one, and a leading `_` is removed (a trailing one is kept).
    static func escape(_ word: String) -> String {
        var out = String.UnicodeScalarView()
        var previousUnderscore = false
        for scalar in word.unicodeScalars {
            if OTLPNameCharacters.isClassicMetricCharacter(scalar) {
                out.append(scalar)
                previousUnderscore = false
            } else if !previousUnderscore {
                out.append("_")
                previousUnderscore = true
            }
        }
        if out.first == "_" { out.removeFirst() }
        return String(out)
    }

    private static func containsBrace(_ s: String) -> Bool {
        s.utf8.contains(UInt8(ascii: "{")) || s.utf8.contains(UInt8(ascii: "}"))
    }

    private static func trimWhitespace(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
