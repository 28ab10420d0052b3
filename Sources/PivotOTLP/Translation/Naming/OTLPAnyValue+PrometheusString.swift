extension OTLPAnyValue {
    /// The attribute value as a Prometheus label value, as OpenTelemetry pdata's `Value.AsString()`
    /// (which Prometheus uses) renders it:
    /// * strings as they are; `empty` as "";
    /// * booleans `true`/`false`; integers in decimal;
    /// * doubles like a JavaScript number: shortest round-trip digits, positional notation unless
    ///   |v| < 1e-6 or ≥ 1e21 (then `1e-7`, `1.5e+21`); `-0` for negative zero; NaN and ±Inf become
    ///   `json: unsupported value: NaN` / `+Inf` / `-Inf` (pdata's error text, kept for fidelity);
    /// * bytes in standard base64 with padding;
    /// * arrays and key-value lists as compact JSON (Go `encoding/json`): object keys sorted byte-wise,
    ///   the last of duplicate keys winning, bytes as base64 strings, `empty` as `null`, `<`, `>`, `&`,
    ///   U+2028 and U+2029 escaped as `\u003c` etc.; if any double inside is NaN or infinite the whole
    ///   value is "" (Go's marshaller fails).
    public var prometheusString: String {
        switch self {
        case .empty: return ""
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "json: unsupported value: NaN" }
            if d.isInfinite { return d < 0 ? "json: unsupported value: -Inf" : "json: unsupported value: +Inf" }
            return OTLPNumberFormat.javaScriptStyle(d)
        case .bytes(let bytes): return OTLPNumberFormat.base64(bytes)
        case .array, .keyValueList:
            var out = ""
            return OTLPJSONWriter.write(self, into: &out) ? out : ""
        }
    }
}
