import PivotModel

/// The encoding of a sealed chunk (one that takes no more appends) whose values are all short
/// decimals — what exporters print: `123.45`, whole counts, multiples of 4096. Timestamps and the
/// values' decimal integers go through `PackedIntegers`, which keeps a regular scrape interval
/// at almost nothing and a counter's growth at the bits of its step's spread, where the Gorilla
/// stream of `XORChunk` (appendable, hence kept for the open chunk) spends a control per sample.
///
/// Encoding, format version 2:
///
/// ```
/// byte 0      format version, 2
/// varint      sample count n ≥ 1
/// byte        decimal scale E (0...7), or 255: raw bits
/// packed      n timestamps (PackedIntegers)
/// packed      n integers m (PackedIntegers): value[i] = Double(m[i]) / 10^E, or with raw bits
///             value[i] = Double(bitPattern: UInt64(bitPattern: m[i]))
/// ```
///
/// Values round-trip bit for bit. The decimal form is used only when every value is reproduced
/// exactly (`DecimalScale.integer`). Otherwise (NaN, the stale marker, ±Inf, −0.0, full-precision
/// floats such as a histogram's `_sum`) the values' bit patterns are packed as integers: a value
/// that grows steadily has bit patterns that do too, which packs smaller than XOR's per-sample
/// windows; the writer keeps whichever of this and the XOR encoding is shorter.
struct CompactChunk: Sendable {
    static let formatVersion: UInt8 = 2
    /// The most samples one compact chunk holds (a bound for decoding damaged bytes; larger runs keep
    /// the XOR encoding). Chunks are cut far below it (`ChunkPolicy`).
    static let maxSamples = 1 << 20
    /// The scale byte of the raw-bits form.
    static let rawBits: UInt8 = 255

    /// The decoded samples, in the order written (non-decreasing time).
    let samples: [Sample]

    /// The encoding of `samples` (sorted by time, at least one), in decimal form when every value is a
    /// short decimal and `allowRawBits` is false; nil when that does not apply.
    static func encode(_ samples: [Sample], allowRawBits: Bool = false) -> [UInt8]? {
        guard !samples.isEmpty, samples.count <= maxSamples else { return nil }
        let (scale, integers) = decimalIntegers(samples) ?? (Int(rawBits), samples.map { Int64(bitPattern: $0.value.bitPattern) })
        if scale == Int(rawBits) && !allowRawBits { return nil }
        var out: [UInt8] = [formatVersion]
        out.reserveCapacity(16 + samples.count * 2)
        VarInt.appendUnsigned(UInt64(samples.count), to: &out)
        out.append(UInt8(scale))
        PackedIntegers.append(samples.map(\.timestamp), to: &out)
        PackedIntegers.append(integers, to: &out)
        return out
    }

    /// The common decimal scale of the values and their integers at it, or nil.
    private static func decimalIntegers(_ samples: [Sample]) -> (Int, [Int64])? {
        var scale = 0
        for sample in samples {
            let smallest = DecimalScale.smallest(of: sample.value)
            if smallest == DecimalScale.none { return nil }
            scale = max(scale, smallest)
        }
        var integers: [Int64] = []
        integers.reserveCapacity(samples.count)
        for sample in samples {
            // A value exact at its smallest scale can still miss at a larger one: check every value.
            guard let integer = DecimalScale.integer(sample.value, scale: scale) else { return nil }
            integers.append(integer)
        }
        return (scale, integers)
    }

    /// Decodes persisted bytes whose first byte is `formatVersion`; every damage is a `ChunkError`.
    init(bytes: [UInt8]) throws(ChunkError) {
        let decoded: Result<[Sample], ChunkError> = bytes.withUnsafeBytes { buffer in
            guard buffer.count >= 3, buffer[0] == Self.formatVersion else {
                return .failure(ChunkError(.truncatedHeader, "compact chunk has \(buffer.count) bytes, shorter than its header"))
            }
            var position = 1
            guard let count = VarInt.readUnsigned(buffer, &position), count > 0, count <= UInt64(Self.maxSamples),
                position < buffer.count
            else {
                return .failure(ChunkError(.invalidEncoding, "compact chunk has an invalid sample count"))
            }
            let scale = Int(buffer[position])
            position += 1
            guard scale <= DecimalScale.largest || scale == Int(Self.rawBits) else {
                return .failure(ChunkError(.invalidEncoding, "compact chunk has decimal scale \(scale), above \(DecimalScale.largest)"))
            }
            guard let times = PackedIntegers.read(count: Int(count), from: buffer, at: &position),
                let integers = PackedIntegers.read(count: Int(count), from: buffer, at: &position)
            else {
                return .failure(ChunkError(.truncatedData, "compact chunk of \(buffer.count) bytes ends before its \(count) samples"))
            }
            guard position == buffer.count else {
                return .failure(ChunkError(.trailingData, "compact chunk has \(buffer.count - position) bytes after its \(count) samples"))
            }
            var samples: [Sample] = []
            samples.reserveCapacity(Int(count))
            if scale == Int(Self.rawBits) {
                for index in 0..<Int(count) {
                    samples.append(Sample(timestamp: times[index], value: Double(bitPattern: UInt64(bitPattern: integers[index]))))
                }
            } else {
                let power = DecimalScale.powers[scale]
                for index in 0..<Int(count) {
                    samples.append(Sample(timestamp: times[index], value: Double(integers[index]) / power))
                }
            }
            return .success(samples)
        }
        samples = try decoded.get()
    }
}
