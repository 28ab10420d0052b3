/// A sequence of Int64 written as frame-of-reference blocks: the values themselves, their deltas or
/// their delta-of-deltas (whichever is shortest), less their minimum, divided by their greatest
/// common divisor, bit-packed in blocks of 32 with one width per block.
///
/// ```
/// byte        order o: 0 (values), 1 (deltas), 2 (delta-of-deltas)
/// o varints   the first o values of the chain, zigzag: x[0]; for o = 2 also x[1] − x[0]
/// then, when n > o, the n − o residuals R:
/// varint      min(R), zigzag
/// varint      g, the greatest common divisor of every R[i] − min(R); 0 when all are equal (no blocks)
/// blocks      for each run of up to 32 residuals: a width byte w (0...64), then the w-bit values
///             (R[i] − min(R)) / g, least significant bit first, padded to a whole byte
/// ```
///
/// Every difference is taken in wrapping 64-bit arithmetic, so any Int64 sequence round-trips.
/// Samples exporters write (counters that grow by similar steps, gauges in a band, timestamps on a
/// scrape interval, values that are multiples of 4096) reduce to a few bits each.
enum PackedIntegers {
    static let blockSize = 32

    /// Appends the encoding of `values` (at least one) to `out`.
    static func append(_ values: [Int64], to out: inout [UInt8]) {
        precondition(!values.isEmpty)
        var best: [UInt8] = []
        for order in 0...min(2, values.count - 1) {
            var candidate: [UInt8] = []
            candidate.reserveCapacity(best.isEmpty ? 16 + values.count * 2 : best.count)
            encode(values, order: order, to: &candidate)
            if best.isEmpty || candidate.count < best.count { best = candidate }
        }
        out.append(contentsOf: best)
    }

    private static func encode(_ values: [Int64], order: Int, to out: inout [UInt8]) {
        out.append(UInt8(order))
        var residuals = values
        // Differences in place, from the end, `order` times: residuals[k...] become the k-th differences.
        for level in 0..<order {
            var index = residuals.count - 1
            while index > level {
                residuals[index] = residuals[index] &- residuals[index - 1]
                index -= 1
            }
        }
        for index in 0..<order { VarInt.appendSigned(residuals[index], to: &out) }
        let rest = residuals[order...]
        guard let minimum = rest.min() else { return }
        VarInt.appendSigned(minimum, to: &out)
        var divisor: UInt64 = 0
        for value in rest {
            divisor = gcd(divisor, UInt64(bitPattern: value &- minimum))
            if divisor == 1 { break }
        }
        VarInt.appendUnsigned(divisor, to: &out)
        guard divisor != 0 else { return }
        var start = rest.startIndex
        while start < rest.endIndex {
            let end = min(start + blockSize, rest.endIndex)
            var widest: UInt64 = 0
            for index in start..<end { widest |= UInt64(bitPattern: rest[index] &- minimum) / divisor }
            let width = 64 - widest.leadingZeroBitCount
            out.append(UInt8(width))
            if width > 0 {
                var accumulator: UInt64 = 0
                var filled = 0
                for index in start..<end {
                    let value = UInt64(bitPattern: rest[index] &- minimum) / divisor
                    accumulator |= value << filled
                    let taken = 64 - filled
                    if width >= taken {
                        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: accumulator >> shift)) }
                        accumulator = taken == 64 ? 0 : value >> taken
                        filled = width - taken
                    } else {
                        filled += width
                    }
                }
                var shift = 0
                while shift < filled {
                    out.append(UInt8(truncatingIfNeeded: accumulator >> shift))
                    shift += 8
                }
            }
            start = end
        }
    }

    /// Decodes `count` values at `position`, advancing it; nil when the bytes end early or hold an
    /// encoding `append` never writes.
    static func read(count: Int, from bytes: UnsafeRawBufferPointer, at position: inout Int) -> [Int64]? {
        guard count > 0, position < bytes.count else { return nil }
        let order = Int(bytes[position])
        position += 1
        guard order <= 2, order < count else { return nil }
        var values = [Int64](repeating: 0, count: count)
        for index in 0..<order {
            guard let value = VarInt.readSigned(bytes, &position) else { return nil }
            values[index] = value
        }
        if count > order {
            guard let minimum = VarInt.readSigned(bytes, &position),
                let divisor = VarInt.readUnsigned(bytes, &position)
            else { return nil }
            if divisor == 0 {
                for index in order..<count { values[index] = minimum }
            } else {
                var start = order
                while start < count {
                    let end = min(start + blockSize, count)
                    guard position < bytes.count else { return nil }
                    let width = Int(bytes[position])
                    position += 1
                    guard width <= 64 else { return nil }
                    let byteCount = ((end - start) * width + 7) / 8
                    guard bytes.count - position >= byteCount else { return nil }
                    if width == 0 {
                        for index in start..<end { values[index] = minimum }
                    } else {
                        let mask: UInt64 = width == 64 ? .max : (1 << width) - 1
                        var bit = position * 8
                        for index in start..<end {
                            let packed = readBits(bytes, at: bit, width: width) & mask
                            values[index] = minimum &+ Int64(bitPattern: packed &* divisor)
                            bit += width
                        }
                    }
                    position += byteCount
                    start = end
                }
            }
        }
        for level in stride(from: order - 1, through: 0, by: -1) {
            var index = level + 1
            while index < count {
                values[index] = values[index] &+ values[index - 1]
                index += 1
            }
        }
        return values
    }

    /// `width` bits (1...64) starting at bit `bit`, least significant first; the caller has checked
    /// that they lie inside `bytes`.
    @inline(__always)
    private static func readBits(_ bytes: UnsafeRawBufferPointer, at bit: Int, width: Int) -> UInt64 {
        let first = bit >> 3
        let offset = bit & 7
        let needed = (offset + width + 7) >> 3
        var word: UInt64 = 0
        let direct = min(needed, 8)
        for index in 0..<direct { word |= UInt64(bytes[first + index]) << (8 * index) }
        var result = word >> offset
        if needed > 8 {
            // offset > 0 and width > 56: the ninth byte supplies the top `offset` bits.
            result |= UInt64(bytes[first + 8]) << (64 - offset)
        }
        return result
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
