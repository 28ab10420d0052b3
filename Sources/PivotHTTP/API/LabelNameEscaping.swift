/// Prometheus's `U__` escaping of label names in URL paths: `U__` then the name with `_` as `__` and
/// any other character not allowed in a legacy name as `_<hex code point>_`.
public enum LabelNameEscaping {
    /// Decodes a `U__`-escaped name; any other name, or a malformed escape, is returned unchanged.
    public static func unescape(_ name: String) -> String {
        guard name.hasPrefix("U__") else { return name }
        var scalars = Array(name.unicodeScalars.dropFirst(3))
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "_" else {
                out.append(scalar)
                index += 1
                continue
            }
            if index + 1 < scalars.count, scalars[index + 1] == "_" {
                out.append("_")
                index += 2
                continue
            }
            var end = index + 1
            var hex = ""
            while end < scalars.count, scalars[end] != "_" {
                hex.unicodeScalars.append(scalars[end])
                end += 1
            }
            guard end < scalars.count, !hex.isEmpty, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else {
                return name
            }
            out.append(decoded)
            index = end + 1
        }
        scalars = []
        return String(out)
    }
}
