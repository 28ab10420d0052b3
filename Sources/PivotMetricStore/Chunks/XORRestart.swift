/// The state an `XORChunkDecoder` has before one sample of a chunk: enough to start decoding there.
/// `XORChunk` keeps one every `interval` samples while it is appended to.
struct XORRestart: Sendable {
    /// Samples between restarts. Every restart costs 48 bytes of memory; a chunk of 480 samples (the
    /// default `ChunkPolicy`) keeps 7, and a read of its last minutes decodes at most 63 samples
    /// before them instead of up to 479.
    static let interval = 64

    /// Bit offset of the sample in the chunk's bytes.
    var position: UInt32
    /// The sample's index in the chunk (at least 1).
    var index: UInt32
    /// The previous sample's timestamp, timestamp delta and value bits.
    var time: Int64
    var delta: Int64
    var valueBits: UInt64
    /// The encoder's last decimal step, XOR window and decimal scale.
    var lastStep: Int64
    var leading: UInt8
    var trailing: UInt8
    var scale: Int8
}
