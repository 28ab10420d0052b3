import PivotModel

extension XORChunk: Sequence {
    /// Decodes samples one at a time, in order, without allocating per sample.
    public struct Iterator: IteratorProtocol, Sendable {
        let bytes: [UInt8]
        var decoder: XORChunkDecoder

        init(bytes: [UInt8], count: Int) {
            self.bytes = bytes
            decoder = XORChunkDecoder(count: count)
        }

        public mutating func next() -> Sample? {
            guard decoder.remaining > 0 else { return nil }
            bytes.withUnsafeBytes { buffer in decoder.decodeNext(buffer) }
            return Sample(timestamp: decoder.time, value: Double(bitPattern: decoder.valueBits))
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(bytes: bytes, count: count)
    }

    public var underestimatedCount: Int { count }

    /// All samples, in order.
    public func samples() -> [Sample] {
        var result: [Sample] = []
        result.reserveCapacity(count)
        var iterator = makeIterator()
        while let sample = iterator.next() { result.append(sample) }
        return result
    }

    /// The samples with `range.lowerBound <= timestamp <= range.upperBound` (milliseconds, inclusive),
    /// in order. Stops decoding at the first sample after the range.
    public func samples(in range: ClosedRange<Int64>) -> [Sample] {
        var result: [Sample] = []
        appendSamples(in: range, to: &result)
        return result
    }
}

/// Decoder state for one pass over a chunk's bit stream; the `XORChunk` doc comment gives the format.
/// Reads past the end of the buffer see zero bits (so damaged input never traps); `init(bytes:)`
/// checks the final position.
struct XORChunkDecoder {
    var reader = XORBitReader(position: XORChunk.headerSize * 8)
    var remaining: Int
    var decoded = 0
    var firstTime: Int64 = 0
    var time: Int64 = 0
    var delta: Int64 = 0
    /// The current value's bits, unless `bitsPending` (then `decimalInteger` holds the value).
    private var bits: UInt64 = 0
    /// Whether `bits` still has to be computed from `decimalInteger`: a division, done only for
    /// values somebody reads (a range read skips most of a chunk).
    private var bitsPending = false
    var leading = XORChunk.noWindow
    var trailing = 0
    var scale = XORChunk.noScale
    var lastStep: Int64 = 0
    /// The decimal integer of the current value at `scale` when a decimal step produced it (then
    /// `valueBits` is `Double(decimalInteger) / 10^scale`, whose integer at that scale is exactly
    /// `decimalInteger` again), so the next step needs no multiplication and rounding; nil otherwise.
    var decimalInteger: Int64?
    /// Set when the stream holds an encoding the encoder never writes.
    var invalid = false

    init(count: Int) {
        remaining = count
    }

    /// The state before the next sample, as a restart point (nil when it does not fit one).
    var restart: XORRestart? {
        mutating get {
            XORRestart(
                position: reader.position, index: decoded, time: time, firstTime: firstTime, delta: delta,
                valueBits: valueBits, lastStep: lastStep, leading: UInt8(truncatingIfNeeded: leading),
                trailing: UInt8(truncatingIfNeeded: trailing), scale: Int8(truncatingIfNeeded: scale))
        }
    }

    /// A decoder that continues from `restart` (the state before sample `restart.index`) of a chunk
    /// whose first sample is at `firstTime`.
    init(count: Int, restart: XORRestart, firstTime: Int64) {
        remaining = count - restart.index
        decoded = restart.index
        reader.position = Int(restart.position)
        self.firstTime = firstTime
        time = restart.time(firstTime: firstTime)
        delta = restart.delta
        bits = restart.valueBits
        lastStep = restart.lastStep
        leading = Int(restart.leading)
        trailing = Int(restart.trailing)
        scale = Int(restart.scale)
    }

    /// The current value's IEEE 754 bits.
    var valueBits: UInt64 {
        mutating get {
            if bitsPending, let integer = decimalInteger {
                bits = (Double(integer) / DecimalScale.powers[scale]).bitPattern
                bitsPending = false
            }
            return bits
        }
    }

    @inline(__always)
    mutating func decodeNext(_ buffer: UnsafeRawBufferPointer) {
        decodeTime(buffer)
        decodeValue(buffer)
    }

    /// Decodes the next sample's timestamp into `time`; `valueBits` still holds the previous sample's
    /// value until `decodeValue`, which must follow before the next `decodeTime`.
    @inline(__always)
    mutating func decodeTime(_ buffer: UnsafeRawBufferPointer) {
        remaining -= 1
        if decoded == 0 {
            time = Int64(bitPattern: reader.read(64, from: buffer))
            firstTime = time
            return
        }
        decoded += 1

        // Timestamp: count the leading one bits (at most 5) of the control prefix.
        let peek = reader.peek64(buffer)
        let ones = min((~peek).leadingZeroBitCount, 5)
        let dod: Int64
        switch ones {
        case 0:
            reader.position += 1
            dod = 0
        case 1:
            dod = Int64(bitPattern: peek &<< 2) &>> 57
            reader.position += 9
        case 2:
            dod = Int64(bitPattern: peek &<< 3) &>> 52
            reader.position += 15
        case 3:
            dod = Int64(bitPattern: peek &<< 4) &>> 44
            reader.position += 24
        case 4:
            dod = Int64(bitPattern: peek &<< 5) &>> 32
            reader.position += 37
        default:
            reader.position += 5
            dod = Int64(bitPattern: reader.read(64, from: buffer))
        }
        delta = delta &+ dod
        time = time &+ delta
    }

    /// Decodes the value of the sample whose timestamp `decodeTime` just read.
    @inline(__always)
    mutating func decodeValue(_ buffer: UnsafeRawBufferPointer) {
        if decoded == 0 {
            bits = reader.read(64, from: buffer)
            decoded = 1
            return
        }
        // Value: count the leading one bits (at most 4) of the control.
        let control = reader.peek64(buffer)
        // A slowly moving decimal gauge alternates unpredictably between "unchanged" (`0`) and a small
        // decimal step (`10`): both are decoded on one path that selects its result, instead of
        // through branches the processor mispredicts about every other sample.
        if control &>> 62 != 0b11, let previous = decimalInteger {
            let stepControl = control &<< 2
            let ones = Swift.min((~stepControl).leadingZeroBitCount, 4)
            if ones < 4 {
                let same = control &>> 63 == 0
                // Per number of leading ones 0...3: difference bits 0, 6, 10, 16; step control bits
                // 1, 8, 13, 20 (the general path below reads the same).
                let width = (0x10_0a_06_00 as UInt64) &>> UInt64(ones &* 8) & 0xff
                let consumed = Int((0x14_0d_08_01 as UInt64) &>> UInt64(ones &* 8) & 0xff)
                let shifted = Int64(bitPattern: stepControl &<< UInt64(ones &+ 1))
                let difference = width == 0 ? 0 : shifted &>> Int64(64 &- width)
                let step = lastStep &+ difference
                let integer = previous &+ step
                if !same && !(step.magnitude < 1 << 62 && integer.magnitude < 1 << 50) {
                    invalid = true
                    return
                }
                reader.position += same ? 1 : 2 &+ consumed
                lastStep = same ? lastStep : step
                decimalInteger = same ? previous : integer
                bitsPending = same ? bitsPending : true
                return
            }
        }
        switch Swift.min((~control).leadingZeroBitCount, 4) {
        case 0:
            reader.position += 1
            return
        case 1:
            reader.position += 2
            guard scale != XORChunk.noScale else {
                invalid = true
                return
            }
        case 2:
            reader.position += 3
            guard leading != XORChunk.noWindow else {
                invalid = true
                return
            }
            let meaningful = 64 - leading - trailing
            let previous = valueBits
            let middle = reader.read(meaningful, from: buffer)
            bits = previous ^ middle &<< UInt64(trailing)
            decimalInteger = nil
            return
        case 3:
            let newLeading = Int((control &>> 55) & 0x1f)
            var meaningful = Int((control &>> 49) & 0x3f)
            if meaningful == 0 { meaningful = 64 }
            reader.position += 15
            guard newLeading + meaningful <= 64 else {
                invalid = true
                return
            }
            leading = newLeading
            let previous = valueBits
            trailing = 64 - newLeading - meaningful
            let middle = reader.read(meaningful, from: buffer)
            bits = previous ^ middle &<< UInt64(trailing)
            decimalInteger = nil
            return
        default:
            _ = valueBits  // computed at the old scale before the scale changes
            scale = Int((control &>> 57) & 0x7)
            reader.position += 7
            decimalInteger = nil
        }
        let stepControl = reader.peek64(buffer)
        let difference: Int64
        switch Swift.min((~stepControl).leadingZeroBitCount, 4) {
        case 0:
            reader.position += 1
            difference = 0
        case 1:
            difference = Int64(bitPattern: stepControl &<< 2) &>> 58
            reader.position += 8
        case 2:
            difference = Int64(bitPattern: stepControl &<< 3) &>> 54
            reader.position += 13
        case 3:
            difference = Int64(bitPattern: stepControl &<< 4) &>> 48
            reader.position += 20
        default:
            reader.position += 4
            difference = Int64(bitPattern: reader.read(64, from: buffer))
        }
        let step = lastStep &+ difference
        lastStep = step
        if let previous = decimalInteger {
            // |previous| < 2^50, so the sum cannot overflow; the result must stay below 2^50 as well.
            let integer = previous &+ step
            guard step.magnitude < 1 << 62, integer.magnitude < 1 << 50 else {
                invalid = true
                return
            }
            decimalInteger = integer
            bitsPending = true
            return
        }
        guard let (value, integer) = DecimalScale.apply(step: step, to: Double(bitPattern: valueBits), scale: scale) else {
            invalid = true
            return
        }
        decimalInteger = integer
        bits = value.bitPattern
    }
}

/// Reads a most-significant-bit-first stream; bits past the end of the buffer read as zero.
struct XORBitReader {
    /// Bit offset from the start of the buffer.
    var position: Int

    /// The next 64 bits, first bit in the most significant place, without consuming them.
    @inline(__always)
    func peek64(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
        let byteIndex = position &>> 3
        let shift = UInt64(position & 7)
        if byteIndex &+ 9 <= buffer.count {
            let word = UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self))
            guard shift > 0 else { return word }
            return word &<< shift | UInt64(buffer[byteIndex &+ 8]) &>> (8 &- shift)
        }
        // Near the end: assemble byte by byte, zeros past the end.
        var word: UInt64 = 0
        for offset in 0..<8 {
            let index = byteIndex + offset
            word = word << 8 | (index < buffer.count ? UInt64(buffer[index]) : 0)
        }
        if shift > 0 {
            let index = byteIndex + 8
            word = word << shift | (index < buffer.count ? UInt64(buffer[index]) : 0) >> (8 - shift)
        }
        return word
    }

    /// Consumes and returns the next `count` bits (0...64), right-aligned.
    @inline(__always)
    mutating func read(_ count: Int, from buffer: UnsafeRawBufferPointer) -> UInt64 {
        guard count > 0 else { return 0 }
        let word = peek64(buffer)
        position &+= count
        return word &>> UInt64(64 &- count)
    }
}
