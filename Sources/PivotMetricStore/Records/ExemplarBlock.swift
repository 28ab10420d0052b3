/// The exemplars of one series written by one checkpoint, as one BLOB (`exemplar_blocks.data`,
/// schema version 4). One row per exemplar cost about 51 bytes for an OpenTelemetry exemplar (key
/// columns, the value's 8 bytes, row and index overhead); in a block it costs about 31: its time
/// step, its value, and the bytes of its trace and span id.
///
/// Version 2 (written now):
///
/// ```
/// byte      2
/// uvarint   count (at least 1)
/// svarint   first timestamp
/// uvarint   time step g (≥ 1): every difference between neighbouring times is a multiple of it
/// count−1 × uvarint  (timestamp − previous timestamp) / g
/// byte      value scale S (0…7), or 255: no decimal form
/// count ×   uvarint  zigzag(n) << 1 when the value is n / 10^S bit for bit,
///                    or 1 followed by the 8 little-endian bytes of its bit pattern
/// uvarint   shape count K; K × (uvarint length, shape bytes)
/// count ×   uvarint  k: 0 → uvarint length + the label encoding;
///                    k ≥ 1 → shape k−1, then the value bytes its headers call for
/// ```
///
/// A shape is an exemplar label encoding without its value bytes: the names (or their codes) and
/// each value's length header. OpenTelemetry exemplars of one series share one shape, so each stores
/// only its 24 id bytes. Version 1 (schema 4 as first shipped: per exemplar a time difference, a
/// value with its own scale, and the whole label encoding) is still read.
///
/// Exemplars are sorted by time, value bits and labels, without repeats.
enum ExemplarBlock {
    static let version: UInt8 = 2
    private static let noScale: UInt8 = 255

    /// The block of `exemplars` (one series, at least one; any order, repeats dropped).
    static func encode(_ exemplars: [StoredExemplar]) -> [UInt8] {
        let sorted = normalized(exemplars)
        var out: [UInt8] = [version]
        out.reserveCapacity(16 + sorted.count * 32)
        VarInt.appendUnsigned(UInt64(sorted.count), to: &out)
        guard let first = sorted.first else { return out }

        // Times: the first, then differences over their greatest common divisor.
        VarInt.appendSigned(first.timestamp, to: &out)
        var step: UInt64 = 0
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            step = gcd(step, UInt64(bitPattern: next.timestamp &- previous.timestamp))
        }
        step = max(step, 1)
        VarInt.appendUnsigned(step, to: &out)
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            VarInt.appendUnsigned(UInt64(bitPattern: next.timestamp &- previous.timestamp) / step, to: &out)
        }

        // Values: one decimal scale for the block, the values it does not reproduce as bit patterns.
        var scale = -1
        for exemplar in sorted {
            let smallest = DecimalScale.smallest(of: Double(bitPattern: exemplar.valueBits))
            if smallest != DecimalScale.none { scale = max(scale, smallest) }
        }
        out.append(scale < 0 ? noScale : UInt8(scale))
        for exemplar in sorted {
            if scale >= 0, let integer = DecimalScale.integer(Double(bitPattern: exemplar.valueBits), scale: scale) {
                VarInt.appendUnsigned(VarInt.zigzag(integer) << 1, to: &out)
            } else {
                out.append(1)
                FixedWidth.append(exemplar.valueBits, to: &out)
            }
        }

        // Labels: shapes, then per exemplar its shape and value bytes.
        var shapes: [[UInt8]] = []
        var shapeIndex: [[UInt8]: Int] = [:]
        var split: [(shape: Int, values: [UInt8])?] = []
        split.reserveCapacity(sorted.count)
        for exemplar in sorted {
            guard let (shape, values) = Shape.split(exemplar.labels) else {
                split.append(nil)
                continue
            }
            let index: Int
            if let known = shapeIndex[shape] {
                index = known
            } else {
                index = shapes.count
                shapes.append(shape)
                shapeIndex[shape] = index
            }
            split.append((index, values))
        }
        VarInt.appendUnsigned(UInt64(shapes.count), to: &out)
        for shape in shapes {
            VarInt.appendUnsigned(UInt64(shape.count), to: &out)
            out.append(contentsOf: shape)
        }
        for (exemplar, parts) in zip(sorted, split) {
            if let parts {
                VarInt.appendUnsigned(UInt64(parts.shape + 1), to: &out)
                out.append(contentsOf: parts.values)
            } else {
                out.append(0)
                VarInt.appendUnsigned(UInt64(exemplar.labels.count), to: &out)
                out.append(contentsOf: exemplar.labels)
            }
        }
        return out
    }

    /// The exemplars of `block` for `series`, or nil when the bytes are not a block.
    static func decode(_ block: [UInt8], series: SeriesID) -> [StoredExemplar]? {
        block.withUnsafeBytes { bytes -> [StoredExemplar]? in
            var cursor = ByteCursor(bytes)
            switch cursor.byte() {
            case 1: return decodeVersion1(&cursor, series: series)
            case 2: return decodeVersion2(&cursor, series: series)
            default: return nil
            }
        }
    }

    private static func decodeVersion2(_ cursor: inout ByteCursor, series: SeriesID) -> [StoredExemplar]? {
        guard let count = cursor.count(minimumElementSize: 2) else { return nil }
        guard count > 0 else { return cursor.isAtEnd ? [] : nil }
        guard let first = cursor.signed(), let step = cursor.unsigned(), step >= 1 else { return nil }
        var times: [Int64] = []
        times.reserveCapacity(count)
        times.append(first)
        for _ in 1..<count {
            guard let difference = cursor.unsigned() else { return nil }
            let (scaled, overflow) = difference.multipliedReportingOverflow(by: step)
            guard !overflow else { return nil }
            times.append(times[times.count - 1] &+ Int64(bitPattern: scaled))
        }
        guard let scaleByte = cursor.byte(), scaleByte <= UInt8(DecimalScale.largest) || scaleByte == noScale else { return nil }
        var values: [UInt64] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let header = cursor.unsigned() else { return nil }
            if header == 1 {
                guard let bits = cursor.fixed64() else { return nil }
                values.append(bits)
            } else {
                guard header & 1 == 0, scaleByte != noScale,
                      let bits = decimalBits(zigzag: header >> 1, scale: Int(scaleByte))
                else { return nil }
                values.append(bits)
            }
        }
        guard let shapeCount = cursor.count() else { return nil }
        var shapes: [UnsafeRawBufferPointer] = []
        for _ in 0..<shapeCount {
            guard let shape = cursor.lengthPrefixed() else { return nil }
            shapes.append(shape)
        }
        var result: [StoredExemplar] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let kind = cursor.unsigned() else { return nil }
            let labels: [UInt8]
            if kind == 0 {
                guard let verbatim = cursor.lengthPrefixed() else { return nil }
                labels = Array(verbatim)
            } else {
                guard kind <= UInt64(shapes.count), let joined = Shape.join(shapes[Int(kind) - 1], values: &cursor) else {
                    return nil
                }
                labels = joined
            }
            result.append(StoredExemplar(series: series, timestamp: times[index], valueBits: values[index], labels: labels))
        }
        return cursor.isAtEnd ? result : nil
    }

    private static func decodeVersion1(_ cursor: inout ByteCursor, series: SeriesID) -> [StoredExemplar]? {
        guard let count = cursor.count(minimumElementSize: 3) else { return nil }
        var result: [StoredExemplar] = []
        result.reserveCapacity(count)
        var previous: Int64 = 0
        for _ in 0..<count {
            guard let delta = cursor.signed(), let header = cursor.unsigned() else { return nil }
            let timestamp = previous &+ delta
            previous = timestamp
            let valueBits: UInt64
            if header == 15 {
                guard let bits = cursor.fixed64() else { return nil }
                valueBits = bits
            } else {
                guard let bits = decimalBits(zigzag: header >> 4, scale: Int(header & 15)) else { return nil }
                valueBits = bits
            }
            guard let labels = cursor.lengthPrefixed() else { return nil }
            result.append(StoredExemplar(series: series, timestamp: timestamp, valueBits: valueBits, labels: Array(labels)))
        }
        return cursor.isAtEnd ? result : nil
    }

    /// The bits of `n / 10^scale` for the zigzag-encoded `n`, or nil for damaged input.
    private static func decimalBits(zigzag: UInt64, scale: Int) -> UInt64? {
        let integer = VarInt.unzigzag(zigzag)
        guard scale <= DecimalScale.largest, integer.magnitude < 1 << 50 else { return nil }
        return (Double(integer) / DecimalScale.powers[scale]).bitPattern
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

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// An exemplar label encoding split into its shape (names and value headers) and value bytes.
    enum Shape {
        /// Shape and value bytes of `labels`, or nil when it is not a well-formed encoding.
        static func split(_ labels: [UInt8]) -> (shape: [UInt8], values: [UInt8])? {
            labels.withUnsafeBytes { raw -> (shape: [UInt8], values: [UInt8])? in
                var cursor = ByteCursor(raw)
                var shape: [UInt8] = []
                var values: [UInt8] = []
                while !cursor.isAtEnd {
                    let start = cursor.position
                    guard skipName(&cursor), let length = valueLength(&cursor), raw.count - cursor.position >= length else {
                        return nil
                    }
                    shape.append(contentsOf: raw[start..<cursor.position])
                    values.append(contentsOf: raw[cursor.position..<cursor.position + length])
                    cursor.position += length
                }
                return (shape, values)
            }
        }

        /// The label encoding of `shape` with its value bytes read from `values`, or nil.
        static func join(_ shape: UnsafeRawBufferPointer, values: inout ByteCursor) -> [UInt8]? {
            var cursor = ByteCursor(shape)
            var out: [UInt8] = []
            while !cursor.isAtEnd {
                let start = cursor.position
                guard skipName(&cursor), let length = valueLength(&cursor) else { return nil }
                out.append(contentsOf: shape[start..<cursor.position])
                guard values.bytes.count - values.position >= length else { return nil }
                out.append(contentsOf: values.bytes[values.position..<values.position + length])
                values.position += length
            }
            return out
        }

        private static func skipName(_ cursor: inout ByteCursor) -> Bool {
            if cursor.position < cursor.bytes.count && cursor.bytes[cursor.position] == 0 {
                cursor.position += 1
                return cursor.byte() != nil
            }
            return cursor.lengthPrefixed() != nil
        }

        /// The number of value bytes a value header calls for.
        private static func valueLength(_ cursor: inout ByteCursor) -> Int? {
            guard let header = cursor.unsigned(), header >> 1 < UInt64(Int32.max) else { return nil }
            return header & 1 == 1 ? Int(header >> 2) : Int(header >> 1)
        }
    }
}
