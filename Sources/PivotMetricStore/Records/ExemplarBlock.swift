/// The exemplars of one series written by one checkpoint, as one BLOB (`exemplar_blocks.data`,
/// schema version 4). One row per exemplar cost about 51 bytes for an OpenTelemetry exemplar (key
/// columns, the value's 8 bytes, row and index overhead); in a block it costs its time step, its value
/// and its labels — about 38.
///
/// ```
/// byte      format version, 1
/// uvarint   count
/// count ×   svarint  timestamp − previous timestamp (the first: − 0)
///           uvarint  value: (zigzag(n) << 4) | E when the value is n / 10^E bit for bit (E ≤ 7,
///                    `DecimalScale`), or 15 followed by the 8 little-endian bytes of its bit pattern
///           uvarint  label length, then the labels (exemplar label encoding)
/// ```
///
/// Exemplars are sorted by time, value bits and labels, without repeats.
enum ExemplarBlock {
    static let version: UInt8 = 1
    private static let rawBits: UInt64 = 15

    /// The block of `exemplars` (one series; any order, repeats dropped).
    static func encode(_ exemplars: [StoredExemplar]) -> [UInt8] {
        let sorted = normalized(exemplars)
        var out: [UInt8] = [version]
        out.reserveCapacity(2 + sorted.count * 40)
        VarInt.appendUnsigned(UInt64(sorted.count), to: &out)
        var previous: Int64 = 0
        for exemplar in sorted {
            VarInt.appendSigned(exemplar.timestamp &- previous, to: &out)
            previous = exemplar.timestamp
            let value = Double(bitPattern: exemplar.valueBits)
            let scale = DecimalScale.smallest(of: value)
            if scale != DecimalScale.none, let integer = DecimalScale.integer(value, scale: scale) {
                let zigzag = UInt64(bitPattern: (integer << 1) ^ (integer >> 63))
                VarInt.appendUnsigned(zigzag << 4 | UInt64(scale), to: &out)
            } else {
                VarInt.appendUnsigned(rawBits, to: &out)
                FixedWidth.append(exemplar.valueBits, to: &out)
            }
            VarInt.appendUnsigned(UInt64(exemplar.labels.count), to: &out)
            out.append(contentsOf: exemplar.labels)
        }
        return out
    }

    /// The exemplars of `block` for `series`, or nil when the bytes are not a block.
    static func decode(_ block: [UInt8], series: SeriesID) -> [StoredExemplar]? {
        block.withUnsafeBytes { bytes -> [StoredExemplar]? in
            var cursor = ByteCursor(bytes)
            guard cursor.byte() == version, let count = cursor.count(minimumElementSize: 3) else { return nil }
            var result: [StoredExemplar] = []
            result.reserveCapacity(count)
            var previous: Int64 = 0
            for _ in 0..<count {
                guard let delta = cursor.signed(), let header = cursor.unsigned() else { return nil }
                let timestamp = previous &+ delta
                previous = timestamp
                let valueBits: UInt64
                if header == rawBits {
                    guard let bits = cursor.fixed64() else { return nil }
                    valueBits = bits
                } else {
                    let scale = Int(header & 15)
                    guard scale <= DecimalScale.largest else { return nil }
                    let zigzag = header >> 4
                    let integer = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
                    guard integer.magnitude < 1 << 50 else { return nil }
                    valueBits = (Double(integer) / DecimalScale.powers[scale]).bitPattern
                }
                guard let labels = cursor.lengthPrefixed() else { return nil }
                result.append(StoredExemplar(series: series, timestamp: timestamp, valueBits: valueBits, labels: Array(labels)))
            }
            return cursor.isAtEnd ? result : nil
        }
    }

    /// `exemplars` sorted by time, value bits and labels, identical ones once.
    static func normalized(_ exemplars: [StoredExemplar]) -> [StoredExemplar] {
        let sorted = exemplars.sorted { a, b in
            if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
            if a.valueBits != b.valueBits { return a.valueBits < b.valueBits }
            return a.labels.lexicographicallyPrecedes(b.labels)
        }
        var result: [StoredExemplar] = []
        result.reserveCapacity(sorted.count)
        for exemplar in sorted where result.last != exemplar { result.append(exemplar) }
        return result
    }
}
