/// The state an `XORChunkDecoder` has before one sample of a chunk: enough to start decoding there.
/// `XORChunk` keeps one every `interval` samples while it is appended to.
///
/// Packed into 32 bytes: times relative to the chunk's first sample, the timestamp delta and the last
/// decimal step in 32 bits. A state that does not fit (a gap of more than 24 days, a decimal step
/// beyond ±2^31, a sample index past 65,535) gets no restart: reads then start at an earlier one.
struct XORRestart: Sendable {
    /// Samples between restarts. Every restart costs 32 bytes of memory (1 byte a sample); a read of
    /// a chunk's last minutes (an instant query's window) decodes at most 31 samples before them.
    static let interval = 32

    /// The previous sample's value bits.
    let valueBits: UInt64
    /// Bit offset of the sample in the chunk's bytes.
    let position: UInt32
    /// The previous sample's timestamp less the chunk's first.
    private let timeOffset: UInt32
    /// The previous sample's timestamp delta, and the encoder's last decimal step.
    private let storedDelta: Int32
    private let storedLastStep: Int32
    /// The sample's index in the chunk (at least 1).
    private let storedIndex: UInt16
    /// The XOR window and decimal scale.
    let leading: UInt8
    let trailing: UInt8
    let scale: Int8

    init?(
        position: Int, index: Int, time: Int64, firstTime: Int64, delta: Int64, valueBits: UInt64, lastStep: Int64,
        leading: UInt8, trailing: UInt8, scale: Int8
    ) {
        let (offset, overflow) = time.subtractingReportingOverflow(firstTime)
        guard !overflow, let position = UInt32(exactly: position), let index = UInt16(exactly: index),
              let timeOffset = UInt32(exactly: offset), let delta = Int32(exactly: delta),
              let lastStep = Int32(exactly: lastStep)
        else { return nil }
        self.valueBits = valueBits
        self.position = position
        self.timeOffset = timeOffset
        self.storedDelta = delta
        self.storedLastStep = lastStep
        self.storedIndex = index
        self.leading = leading
        self.trailing = trailing
        self.scale = scale
    }

    var index: Int { Int(storedIndex) }
    var delta: Int64 { Int64(storedDelta) }
    var lastStep: Int64 { Int64(storedLastStep) }

    /// The previous sample's timestamp, for a chunk whose first sample is at `firstTime`.
    @inline(__always)
    func time(firstTime: Int64) -> Int64 { firstTime &+ Int64(timeOffset) }
}
