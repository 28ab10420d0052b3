import PivotModel

/// An exemplar as the store keeps it: series id, time, value bits and its labels (`ExemplarLabelEncoding`).
struct StoredExemplar: Hashable, Sendable {
    var series: SeriesID
    /// Milliseconds since the Unix epoch.
    var timestamp: Int64
    var valueBits: UInt64
    var labels: [UInt8]

    var exemplar: Exemplar {
        Exemplar(
            labels: ExemplarLabelEncoding.decode(labels) ?? .empty, value: Double(bitPattern: valueBits), timestamp: timestamp)
    }

    /// A fingerprint of value and labels, to tell an identical exemplar at the same time.
    static func fingerprint(valueBits: UInt64, labels: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = LabelHasher()
        withUnsafeBytes(of: valueBits) { hasher.combine($0.baseAddress!, 8) }
        if let base = labels.baseAddress { hasher.combine(base, labels.count) }
        return hasher.value
    }
}
