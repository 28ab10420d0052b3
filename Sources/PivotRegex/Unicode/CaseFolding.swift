/// Simple (one code point to one code point) case folding, derived from the standard library's
/// Unicode case mappings.
///
/// Two code points are equal under folding when they share a *fold key*: the single-scalar
/// lowercase mapping of the code point, or else the lowercase of its single-scalar uppercase (or
/// titlecase) mapping. That reproduces the orbits of Unicode's `CaseFolding.txt` (statuses C and S)
/// that Go's `unicode.SimpleFold` walks, e.g. {K, k, U+212A KELVIN SIGN}, {S, s, U+017F LONG S},
/// {Σ, σ, ς}. The Turkic dotted and dotless i (U+0130, U+0131) fold only to themselves, as in Go.
enum CaseFolding {
    /// Every code point whose fold orbit has more than one member, ascending.
    static var casedScalars: [UInt32] { table.scalars }

    /// Index of the first entry of `casedScalars` that is `>= scalar`.
    static func firstCasedIndex(atLeast scalar: UInt32) -> Int {
        let scalars = table.scalars
        var low = 0
        var high = scalars.count
        while low < high {
            let mid = (low + high) / 2
            if scalars[mid] < scalar { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// All code points equal to `scalar` under simple case folding, including `scalar` itself.
    static func orbit(of scalar: UInt32) -> [UInt32] {
        if scalar < 0x80 {
            switch scalar {
            case 0x4B, 0x6B: return [0x4B, 0x6B, 0x212A]
            case 0x53, 0x73: return [0x53, 0x73, 0x17F]
            case 0x41...0x5A: return [scalar, scalar + 0x20]
            case 0x61...0x7A: return [scalar - 0x20, scalar]
            default: return [scalar]
            }
        }
        guard let key = table.keyOf[scalar], let members = table.orbits[key] else { return [scalar] }
        return members
    }

    private struct Table: Sendable {
        var scalars: [UInt32] = []
        var keyOf: [UInt32: UInt32] = [:]
        var orbits: [UInt32: [UInt32]] = [:]
    }

    /// The highest code point that takes part in case folding in current Unicode versions is
    /// U+1E943 (Adlam); scanning to 0x1FFFF leaves headroom.
    private static let scanLimit: UInt32 = 0x1FFFF

    private static let table: Table = {
        var groups: [UInt32: [UInt32]] = [:]
        for code in 0...scanLimit {
            guard let scalar = Unicode.Scalar(code), scalar.properties.changesWhenCaseMapped else { continue }
            let key = foldKey(scalar)
            groups[key, default: []].append(code)
        }
        var table = Table()
        for (key, var members) in groups {
            if !members.contains(key) { members.append(key) }
            guard members.count > 1 else { continue }
            members.sort()
            table.orbits[key] = members
            for member in members { table.keyOf[member] = key }
        }
        table.scalars = table.keyOf.keys.sorted()
        return table
    }()

    private static func foldKey(_ scalar: Unicode.Scalar) -> UInt32 {
        let code = scalar.value
        if code == 0x130 || code == 0x131 { return code }
        let properties = scalar.properties
        if let lower = single(properties.lowercaseMapping), lower != code { return lower }
        let upper = single(properties.uppercaseMapping) ?? single(properties.titlecaseMapping)
        if let upper, upper != code, let upperScalar = Unicode.Scalar(upper),
            let lower = single(upperScalar.properties.lowercaseMapping)
        {
            return lower
        }
        return code
    }

    private static func single(_ mapping: String) -> UInt32? {
        let scalars = mapping.unicodeScalars
        guard let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex else {
            return nil
        }
        return first.value
    }
}
