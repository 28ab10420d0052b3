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
/// byte        decimal scale E (0...7)
/// packed      n timestamps (PackedIntegers)
/// packed      n integers m, value[i] = Double(m[i]) / 10^E (PackedIntegers)
/// ```
///
/// Values round-trip bit for bit: `encode` writes the format only when every value is reproduced
/// exactly (`DecimalScale.integer`), and answers nil otherwise (NaN, the stale marker, ±Inf, −0.0,
/// computed fractions); the caller then keeps the XOR encoding.
struct CompactChunk: Sendable {
    static let formatVersion: UInt8 = 2
    /// The most samples one compact chunk holds (a bound for decoding damaged bytes; larger runs keep
    /// the XOR encoding). Chunks are cut far below it (`ChunkPolicy`).
    static let maxSamples = 1 << 20

    /// The decoded samples, in the order written (non-decreasing time).
    let samples: [Sample]

    /// The encoding of `samples` (sorted by time, at least one), or nil when a value is not a short decimal.
    static func encode(_ samples: [Sample]) -> [UInt8]? {
        guard !samples.isEmpty, samples.count <= maxSamples else { return nil }
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
        var out: [UInt8] = [formatVersion]
        out.reserveCapacity(16 + samples.count * 2)
        VarInt.appendUnsigned(UInt64(samples.count), to: &out)
        out.append(UInt8(scale))
        PackedIntegers.append(samples.map(\.timestamp), to: &out)
        PackedIntegers.append(integers, to: &out)
        return out
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
            guard scale <= DecimalScale.largest else {
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
            let power = DecimalScale.powers[scale]
            var samples: [Sample] = []
            samples.reserveCapacity(Int(count))
            for index in 0..<Int(count) {
                samples.append(Sample(timestamp: times[index], value: Double(integers[index]) / power))
            }
            return .success(samples)
        }
        samples = try decoded.get()
    }
}
