import PivotModel

/// Decides which series `limit_ratio` keeps: each label set maps to a stable offset in [0, 1), and a
/// ratio r keeps offsets below r (r ≥ 0) or at least 1 + r (r < 0), so `limit_ratio(r)` and
/// `limit_ratio(-(1 - r))` partition the input. The hash differs from Prometheus's xxhash, so the
/// chosen series may differ from Prometheus's choice.
enum RatioSampler {
    static func offset(_ labels: Labels) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for label in labels {
            for byte in label.name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x100_0000_01b3
            for byte in label.value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x100_0000_01b3
        }
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }

    static func keeps(_ labels: Labels, ratio: Double) -> Bool {
        let offset = offset(labels)
        return ratio >= 0 ? offset < ratio : offset >= 1 + ratio
    }
}
