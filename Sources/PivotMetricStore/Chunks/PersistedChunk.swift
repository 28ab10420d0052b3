import PivotModel

/// A chunk as the database holds it, in either encoding, told apart by the first byte: the
/// appendable `XORChunk` (format 1), which open chunks keep, or a `CompactChunk` (format 2), which
/// sealed chunks of short decimals get when they are written.
enum PersistedChunk: Sendable {
    case xor(XORChunk)
    case compact(CompactChunk)

    /// Decodes persisted bytes of either format; damage is a `ChunkError`.
    init(bytes: [UInt8]) throws(ChunkError) {
        switch bytes.first {
        case CompactChunk.formatVersion: self = .compact(try CompactChunk(bytes: bytes))
        case nil: throw ChunkError(.truncatedHeader, "chunk has 0 bytes")
        default: self = .xor(try XORChunk(bytes: bytes))
        }
    }

    /// The bytes to persist for `chunk`: when the chunk is `sealed` (it takes no more appends), the
    /// compact encoding if it is shorter, otherwise the XOR bytes as they are.
    static func bytes(of chunk: XORChunk, sealed: Bool) -> [UInt8] {
        guard sealed, chunk.count > 1, let compact = CompactChunk.encode(chunk.samples(), allowRawBits: true),
            compact.count < chunk.bytes.count
        else { return chunk.bytes }
        return compact
    }

    var count: Int {
        switch self {
        case .xor(let chunk): chunk.count
        case .compact(let chunk): chunk.samples.count
        }
    }

    var lastSample: Sample? {
        switch self {
        case .xor(let chunk): chunk.lastSample
        case .compact(let chunk): chunk.samples.last
        }
    }

    var minTime: Int64 {
        switch self {
        case .xor(let chunk): chunk.minTime
        case .compact(let chunk): chunk.samples.first?.timestamp ?? .max
        }
    }

    var maxTime: Int64 {
        switch self {
        case .xor(let chunk): chunk.maxTime
        case .compact(let chunk): chunk.samples.last?.timestamp ?? .min
        }
    }

    func samples() -> [Sample] {
        switch self {
        case .xor(let chunk): chunk.samples()
        case .compact(let chunk): chunk.samples
        }
    }

    /// The samples with `range.lowerBound <= timestamp <= range.upperBound`, in order.
    func samples(in range: ClosedRange<Int64>) -> [Sample] {
        switch self {
        case .xor(let chunk):
            return chunk.samples(in: range)
        case .compact(let chunk):
            let all = chunk.samples
            guard let first = all.first, let last = all.last,
                first.timestamp <= range.upperBound, last.timestamp >= range.lowerBound
            else { return [] }
            if first.timestamp >= range.lowerBound && last.timestamp <= range.upperBound { return all }
            var lower = 0
            var upper = all.count
            while lower < upper {
                let middle = (lower + upper) / 2
                if all[middle].timestamp < range.lowerBound { lower = middle + 1 } else { upper = middle }
            }
            var end = lower
            while end < all.count && all[end].timestamp <= range.upperBound { end += 1 }
            return Array(all[lower..<end])
        }
    }

    /// The chunk as an appendable XOR chunk (re-encoded when compact).
    var appendable: XORChunk {
        switch self {
        case .xor(let chunk): chunk
        case .compact(let chunk): ChunkBuilder.chunk(of: chunk.samples)
        }
    }
}
