import CPivotSupport
import PivotModel

/// A compressed run of float samples of one series, in the Gorilla style: timestamps as
/// delta-of-delta, values XORed with the previous value, plus a decimal path for values that are
/// short decimals (what exporters print), which XOR encodes poorly.
///
/// Encoding, format version 1 (`bytes` is self-contained; persist it as is):
///
/// ```
/// byte 0       format version, 1
/// bytes 1...4  sample count, UInt32 big-endian
/// bytes 5...   bit stream, most significant bit first; the last byte is padded with zero bits
///
/// sample 0     timestamp: 64 bits (two's complement); value: 64 bits (IEEE 754 bit pattern)
/// sample n ≥ 1 timestamp as delta-of-delta D, then the value by one of the controls below
///
/// D = (t[n] − t[n−1]) − (t[n−1] − t[n−2]), in wrapping 64-bit arithmetic (so any pair of Int64
/// timestamps is exact); the delta before sample 1 counts as 0.
///   0                        D = 0
///   10     + 7-bit signed    −64 ... 63
///   110    + 12-bit signed   −2048 ... 2047
///   1110   + 20-bit signed   −524288 ... 524287
///   11110  + 32-bit signed
///   11111  + 64 bits
///
/// Value. X = bits(v[n]) XOR bits(v[n−1]). "The window" is a leading-zero count L and a
/// trailing-zero count T, set by the last `1110` control. "The scale" E is set by the last `1111`
/// control. K is the last decimal step (0 before the first).
///   0                                         same bits as the previous value
///   10   + step                               decimal step at scale E
///   110  + (64 − L − T) bits                  X (≥ L leading, ≥ T trailing zeros): its middle bits
///   1110 + L: 5 bits + M: 6 bits (64 as 0)    new window (L ≤ 31, T = 64 − L − M), X's M middle bits
///   1111 + E: 3 bits + step                   new scale E (0...7), then a decimal step
///
/// A decimal step k means v[n] = Double(p + k) / 10^E, where p = round(v[n−1] × 10^E) (half away
/// from zero) as an integer; the encoder uses it only when that reproduces v[n]'s bits exactly
/// (and |p|, |p + k| < 2^50), so every value still round-trips bit for bit. The step is written
/// as its difference d = k − K from the previous step (steady counters repeat their step):
///   0                        d = 0
///   10   + 6-bit signed      −32 ... 31
///   110  + 10-bit signed     −512 ... 511
///   1110 + 16-bit signed     −32768 ... 32767
///   1111 + 64 bits           any other d (wrapping)
/// ```
///
/// The encoder picks the shortest applicable value control. Values round-trip bit for bit: NaN
/// payloads, the stale marker, ±Inf, −0.0. Timestamps are milliseconds; equal timestamps, negative
/// timestamps and gaps across the whole Int64 range are exact.
///
/// Appends write into `bytes` in place (amortized growth, no copy per append); the encoder's state
/// lives in the struct beside the bytes. Samples must be appended in non-decreasing timestamp
/// order: other orders still round-trip, but `maxTime` and `samples(in:)` assume the order.
public struct XORChunk: Sendable {
    /// The format version this code writes and reads (the first byte of `bytes`).
    public static let formatVersion: UInt8 = 1
    static let headerSize = 5

    /// The encoding, header included.
    public private(set) var bytes: [UInt8]
    /// Samples in the chunk.
    public private(set) var count: Int {
        get { Int(storedCount) }
        set { storedCount = UInt32(truncatingIfNeeded: newValue) }
    }
    /// Zero bits at the end of the last byte still free for the next sample (0...7).
    var freeBits: Int {
        get { Int(storedFreeBitsAndScale & 0x7) }
        set { storedFreeBitsAndScale = storedFreeBitsAndScale & ~0x7 | UInt8(truncatingIfNeeded: newValue) & 0x7 }
    }
    /// The first sample's timestamp; `Int64.max` when empty.
    var firstTime: Int64
    var lastTime: Int64
    var lastDelta: Int64
    var lastValueBits: UInt64
    /// The XOR window; `leading == XORChunk.noWindow` until the first `110` control.
    var leading: Int {
        get { Int(storedLeading) }
        set { storedLeading = UInt8(truncatingIfNeeded: newValue) }
    }
    var trailing: Int {
        get { Int(storedTrailing) }
        set { storedTrailing = UInt8(truncatingIfNeeded: newValue) }
    }
    /// The decimal scale exponent; `XORChunk.noScale` until the first `1111` control.
    var scale: Int {
        get { Int(storedScale) }
        set { storedScale = Int8(truncatingIfNeeded: newValue) }
    }
    /// The last decimal step written.
    var lastStep: Int64
    /// The decoder's state before every `restartInterval`-th sample, so a read of the newest samples
    /// (an instant query's window) starts near them instead of at the first sample. Memory only, not
    /// part of the encoding; a chunk read back from bytes has none until it grows.
    var restarts: [XORRestart]
    /// The smallest decimal scale of the last value (`DecimalScale.none` when it has none), or
    /// `DecimalScale.unknown` when not computed. A cache for the encoder; not part of the encoding.
    var lastValueScale: Int {
        get { Int(storedFreeBitsAndScale >> 3) - 2 }
        set { storedFreeBitsAndScale = storedFreeBitsAndScale & 0x7 | UInt8(truncatingIfNeeded: newValue + 2) << 3 }
    }

    // The small fields in narrow storage, last (a struct is laid out in declaration order): one open
    // chunk per series lives in memory, so 64 bytes instead of 104 matter. Ranges: count < 2^32,
    // freeBits 0...7, leading 0...63 or `noWindow`, trailing 0...64, scales −2...7.
    private var storedCount: UInt32
    /// `freeBits` in the low 3 bits, `lastValueScale + 2` (0...9) above them.
    private var storedFreeBitsAndScale: UInt8
    private var storedLeading: UInt8
    private var storedTrailing: UInt8
    private var storedScale: Int8

    static let noWindow = 0xFF
    static let noScale = -1

    /// An empty chunk.
    public init() {
        bytes = [Self.formatVersion, 0, 0, 0, 0]
        storedCount = 0
        storedFreeBitsAndScale = UInt8(DecimalScale.unknown + 2) << 3
        firstTime = .max
        lastTime = .min
        lastDelta = 0
        lastValueBits = 0
        storedLeading = UInt8(Self.noWindow)
        storedTrailing = 0
        storedScale = Int8(Self.noScale)
        lastStep = 0
        restarts = []
    }

    /// Reads persisted bytes. Validates the header and decodes the whole stream once, so a truncated
    /// or otherwise damaged encoding is refused here rather than read as wrong samples later, and
    /// the chunk can take further appends.
    public init(bytes: [UInt8]) throws(ChunkError) {
        guard bytes.count >= Self.headerSize else {
            throw ChunkError(.truncatedHeader, "chunk has \(bytes.count) bytes, shorter than its 5-byte header")
        }
        guard bytes[0] == Self.formatVersion else {
            throw ChunkError(.unsupportedVersion, "chunk format version \(bytes[0]) is not supported (this build reads 1)")
        }
        let count = Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
        var decoder = XORChunkDecoder(count: count)
        let totalBits = bytes.count * 8
        var restarts: [XORRestart] = []
        let lastBit: Int = bytes.withUnsafeBytes { buffer in
            while decoder.remaining > 0 && !decoder.invalid && decoder.reader.position <= totalBits {
                // The same restart points appends would have recorded (a head reloaded after a restart
                // reads as fast as one built in memory).
                if decoder.decoded > 0 && decoder.decoded % XORRestart.interval == 0, let restart = decoder.restart {
                    restarts.append(restart)
                }
                decoder.decodeNext(buffer)
            }
            return decoder.reader.position
        }
        if lastBit > totalBits {
            throw ChunkError(
                .truncatedData,
                "chunk of \(bytes.count) bytes ends before its \(count) samples (\(count - decoder.remaining - 1) decoded)")
        }
        if decoder.invalid {
            throw ChunkError(.invalidEncoding, "chunk sample \(count - decoder.remaining - 1) has an invalid value encoding")
        }
        let usedBytes = Self.headerSize + (lastBit - Self.headerSize * 8 + 7) / 8
        guard usedBytes == bytes.count else {
            throw ChunkError(.trailingData, "chunk has \(bytes.count - usedBytes) bytes after its \(count) samples")
        }
        let freeBits = usedBytes * 8 - lastBit
        if freeBits > 0 && bytes[usedBytes - 1] & UInt8((1 << freeBits) - 1) != 0 {
            throw ChunkError(.trailingData, "chunk has non-zero padding bits after its \(count) samples")
        }
        self.bytes = bytes
        storedCount = UInt32(count)
        storedFreeBitsAndScale = UInt8(freeBits) | UInt8(DecimalScale.unknown + 2) << 3
        if count > 0 {
            firstTime = decoder.firstTime
            lastTime = decoder.time
        } else {
            firstTime = .max
            lastTime = .min
        }
        lastDelta = decoder.delta
        lastValueBits = decoder.valueBits
        storedLeading = UInt8(truncatingIfNeeded: decoder.leading)
        storedTrailing = UInt8(truncatingIfNeeded: decoder.trailing)
        storedScale = Int8(truncatingIfNeeded: decoder.scale)
        lastStep = decoder.lastStep
        self.restarts = restarts
    }

    /// Whether the chunk holds no samples.
    public var isEmpty: Bool { count == 0 }

    /// Timestamp of the first sample, milliseconds. An empty chunk answers `Int64.max`, so that
    /// `minTime...maxTime` tests never match it.
    public var minTime: Int64 { firstTime }

    /// Timestamp of the last sample, milliseconds. An empty chunk answers `Int64.min`.
    public var maxTime: Int64 { lastTime }

    /// The last sample appended (or decoded), nil when empty.
    public var lastSample: Sample? {
        count == 0 ? nil : Sample(timestamp: lastTime, value: Double(bitPattern: lastValueBits))
    }

    /// Appends one sample. The caller guarantees `sample.timestamp >= maxTime` (equal is allowed).
    public mutating func append(_ sample: Sample) {
        precondition(count < Int(UInt32.max), "XORChunk holds at most UInt32.max samples")
        let time = sample.timestamp
        let valueBits = sample.value.bitPattern
        if count == 0 {
            writeBits(UInt64(bitPattern: time), count: 64)
            writeBits(valueBits, count: 64)
            firstTime = time
            lastDelta = 0
        } else {
            if count % XORRestart.interval == 0 { recordRestart() }
            let delta = time &- lastTime
            writeDeltaOfDelta(delta &- lastDelta)
            writeValue(valueBits)
            lastDelta = delta
        }
        lastTime = time
        lastValueBits = valueBits
        count += 1
        storeCount()
    }

    /// Remembers the decoder's state before the sample about to be appended.
    private mutating func recordRestart() {
        guard let restart = XORRestart(
            position: bytes.count * 8 - freeBits, index: count, time: lastTime, firstTime: firstTime, delta: lastDelta,
            valueBits: lastValueBits, lastStep: lastStep, leading: storedLeading, trailing: storedTrailing,
            scale: storedScale)
        else { return }
        restarts.append(restart)
    }

    // MARK: Encoding

    @inline(__always)
    private mutating func writeDeltaOfDelta(_ dod: Int64) {
        let bits = UInt64(bitPattern: dod)
        if dod == 0 {
            writeBits(0, count: 1)
        } else if dod >= -64 && dod < 64 {
            writeBits(0b10 << 7 | bits & 0x7f, count: 9)
        } else if dod >= -2048 && dod < 2048 {
            writeBits(0b110 << 12 | bits & 0xfff, count: 15)
        } else if dod >= -524_288 && dod < 524_288 {
            writeBits(0b1110 << 20 | bits & 0xf_ffff, count: 24)
        } else if dod >= Int64(Int32.min) && dod <= Int64(Int32.max) {
            writeBits(0b11110 << 32 | bits & 0xffff_ffff, count: 37)
        } else {
            writeBits(0b11111, count: 5)
            writeBits(bits, count: 64)
        }
    }

    @inline(__always)
    private mutating func writeValue(_ valueBits: UInt64) {
        let xor = valueBits ^ lastValueBits
        if xor == 0 {
            writeBits(0, count: 1)
            return
        }
        // The XOR controls: reuse the window when the value fits it and that is not longer.
        let leadingZeros = xor.leadingZeroBitCount
        let newLeading = Swift.min(leadingZeros, 31)
        let newTrailing = xor.trailingZeroBitCount
        let newMeaningful = 64 - newLeading - newTrailing
        var xorCost = 15 + newMeaningful
        var reuseWindow = false
        if leading != Self.noWindow && leadingZeros >= leading && newTrailing >= trailing {
            let meaningful = 64 - leading - trailing
            if 3 + meaningful <= xorCost {
                xorCost = 3 + meaningful
                reuseWindow = true
            }
        }
        // The decimal controls cost at least 3 bits; try them only when they may be shorter.
        if xorCost > 3, let decimal = decimalStep(to: valueBits, xorCost: xorCost) {
            if decimal.scale == scale {
                writeBits(0b10, count: 2)
            } else {
                writeBits(0b1111 << 3 | UInt64(decimal.scale), count: 7)
                scale = decimal.scale
            }
            writeStep(decimal.step)
            lastStep = decimal.step
            return
        }
        if reuseWindow {
            writeBits(0b110, count: 3)
            writeBits(xor &>> UInt64(trailing), count: 64 - leading - trailing)
            return
        }
        leading = newLeading
        trailing = newTrailing
        let header = UInt64(0b1110) << 11 | UInt64(newLeading) << 6 | UInt64(newMeaningful & 63)
        writeBits(header, count: 15)
        writeBits(xor &>> UInt64(newTrailing), count: newMeaningful)
    }

    /// The cheapest decimal step from the last value to `valueBits` when it costs fewer bits than
    /// `xorCost`, else nil. Updates the cached scale of the last value for the next append.
    @inline(__always)
    private mutating func decimalStep(to valueBits: UInt64, xorCost: Int) -> (scale: Int, step: Int64)? {
        let value = Double(bitPattern: valueBits)
        let newScale = DecimalScale.smallest(of: value)
        let previousScale = lastValueScale == DecimalScale.unknown
            ? DecimalScale.smallest(of: Double(bitPattern: lastValueBits)) : lastValueScale
        lastValueScale = newScale
        guard newScale != DecimalScale.none, previousScale != DecimalScale.none else { return nil }
        let previous = Double(bitPattern: lastValueBits)
        var best: (scale: Int, step: Int64)?
        var bestCost = xorCost
        // The current scale, when it is fine enough: no scale to write.
        if scale != Self.noScale && scale >= Swift.max(newScale, previousScale),
           let step = DecimalScale.step(from: previous, to: value, scale: scale) {
            let cost = 2 + Self.stepCost(step, lastStep: lastStep)
            if cost < bestCost {
                best = (scale, step)
                bestCost = cost
            }
        }
        let needed = Swift.max(newScale, previousScale)
        if needed != scale, let step = DecimalScale.step(from: previous, to: value, scale: needed) {
            let cost = 7 + Self.stepCost(step, lastStep: lastStep)
            if cost < bestCost {
                best = (needed, step)
            }
        }
        return best
    }

    @inline(__always)
    static func stepCost(_ step: Int64, lastStep: Int64) -> Int {
        let difference = step &- lastStep
        if difference == 0 { return 1 }
        if difference >= -32 && difference < 32 { return 8 }
        if difference >= -512 && difference < 512 { return 13 }
        if difference >= -32768 && difference < 32768 { return 20 }
        return 68
    }

    @inline(__always)
    private mutating func writeStep(_ step: Int64) {
        let difference = step &- lastStep
        let bits = UInt64(bitPattern: difference)
        if difference == 0 {
            writeBits(0, count: 1)
        } else if difference >= -32 && difference < 32 {
            writeBits(0b10 << 6 | bits & 0x3f, count: 8)
        } else if difference >= -512 && difference < 512 {
            writeBits(0b110 << 10 | bits & 0x3ff, count: 13)
        } else if difference >= -32768 && difference < 32768 {
            writeBits(0b1110 << 16 | bits & 0xffff, count: 20)
        } else {
            writeBits(0b1111, count: 4)
            writeBits(bits, count: 64)
        }
    }

    /// Appends the low `count` bits of `value` (0...64; higher bits must be zero) to the stream.
    @inline(__always)
    private mutating func writeBits(_ value: UInt64, count bitCount: Int) {
        // At most 9 bytes are appended below; grow by a quarter instead of the array's doubling, so an
        // open chunk wastes little memory (a head chunk lives for hours, one per series).
        if bytes.capacity &- bytes.count < 9 { growCapacity() }
        var remaining = bitCount
        if freeBits > 0 {
            let taken = Swift.min(freeBits, remaining)
            remaining -= taken
            let part = UInt8(truncatingIfNeeded: (value &>> UInt64(remaining)) & ((1 &<< UInt64(taken)) &- 1))
            freeBits -= taken
            bytes[bytes.count &- 1] |= part &<< UInt8(freeBits)
        }
        while remaining >= 8 {
            remaining -= 8
            bytes.append(UInt8(truncatingIfNeeded: value &>> UInt64(remaining)))
        }
        if remaining > 0 {
            bytes.append(UInt8(truncatingIfNeeded: value &<< UInt64(8 - remaining)))
            freeBits = 8 - remaining
        }
    }

    /// Makes room for at least 16 more bytes, growing by about a quarter of the current size.
    @inline(never)
    private mutating func growCapacity() {
        bytes.reserveCapacity(bytes.count + Swift.max(bytes.count >> 2, 16))
    }

    @inline(__always)
    private mutating func storeCount() {
        let value = UInt32(truncatingIfNeeded: count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer[1] = UInt8(truncatingIfNeeded: value >> 24)
            buffer[2] = UInt8(truncatingIfNeeded: value >> 16)
            buffer[3] = UInt8(truncatingIfNeeded: value >> 8)
            buffer[4] = UInt8(truncatingIfNeeded: value)
        }
    }
}

extension XORChunk: Hashable {
    /// Chunks are equal when their encodings are equal.
    public static func == (lhs: XORChunk, rhs: XORChunk) -> Bool { lhs.bytes == rhs.bytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

extension XORChunk {
    /// Asks the CPU to start loading the byte buffer an append touches: the array's header (count and
    /// capacity, read first), or, once that is loaded, the line where the next bits go. Appending to
    /// many series' chunks in turn waits on these two cache misses; prefetching a few series ahead
    /// overlaps them. Reads the array's storage reference in place, so nothing is retained.
    @inline(__always)
    mutating func prefetchForAppend(end: Bool) {
        let storage = withUnsafeMutablePointer(to: &bytes) { UnsafeRawPointer($0).load(as: UnsafeRawPointer.self) }
        if end {
            // A native array's storage: object header (16 bytes), count, capacity, then the elements.
            let count = storage.load(fromByteOffset: 16, as: Int.self)
            pivot_prefetch_for_write(storage + 32 + Swift.max(count - 1, 0))
        } else {
            pivot_prefetch_for_write(storage)
        }
    }
}
