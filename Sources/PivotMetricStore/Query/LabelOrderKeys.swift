import Glibc

/// Byte strings that sort like label-set encodings (`LabelSetEncoding.precedes`), so a query can sort
/// many series with plain `memcmp`s instead of re-parsing both encodings on every comparison.
///
/// A set's key is its names and values in order, each followed by a zero byte: with no zero byte
/// inside a name or value, comparing keys byte-wise (shorter first on a tie) orders sets exactly as
/// comparing them piece by piece does. Sets whose encoding is malformed or holds a zero byte get no
/// key and are compared with `LabelSetEncoding.precedes`.
struct LabelOrderKeys: Sendable {
    private var bytes: [UInt8] = []
    /// The start of each set's key in `bytes`, and its length; -1 when the set has no key.
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private let encodings: [[UInt8]]

    init(_ encodings: [[UInt8]]) {
        self.encodings = encodings
        var starts: [Int] = []
        var lengths: [Int] = []
        starts.reserveCapacity(encodings.count)
        lengths.reserveCapacity(encodings.count)
        // A key is never longer than its encoding (each piece's length prefix takes at least the byte
        // its terminating zero takes), so the keys are copied into storage sized once.
        let capacity = encodings.reduce(0) { $0 + $1.count }
        bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            var count = 0
            func append(_ piece: UnsafeRawBufferPointer) -> Bool {
                if let source = piece.baseAddress, piece.count > 0 {
                    if memchr(source, 0, piece.count) != nil { return false }
                    UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: piece.count)
                    count += piece.count
                }
                base[count] = 0
                count += 1
                return true
            }
            for encoding in encodings {
                let start = count
                var usable = true
                let ok = encoding.withUnsafeBytes { raw in
                    LabelSetEncoding.forEachPair(raw) { name, value in
                        if usable { usable = append(name) && append(value) }
                    }
                }
                if ok && usable {
                    starts.append(start)
                    lengths.append(count - start)
                } else {
                    count = start
                    starts.append(-1)
                    lengths.append(0)
                }
            }
            initialized = count
        }
        self.starts = starts
        self.lengths = lengths
    }

    /// Whether set `a` of `lhs` sorts before set `b` of `rhs` (keys built from different encodings).
    static func precedes(_ lhs: LabelOrderKeys, _ a: Int, _ rhs: LabelOrderKeys, _ b: Int) -> Bool {
        guard lhs.starts[a] >= 0, rhs.starts[b] >= 0 else {
            return LabelSetEncoding.precedes(lhs.encodings[a], rhs.encodings[b])
        }
        let left = lhs.lengths[a]
        let right = rhs.lengths[b]
        guard left > 0, right > 0 else { return left < right }
        let order = lhs.bytes.withUnsafeBufferPointer { leftBuffer in
            rhs.bytes.withUnsafeBufferPointer { rightBuffer in
                memcmp(leftBuffer.baseAddress! + lhs.starts[a], rightBuffer.baseAddress! + rhs.starts[b], min(left, right))
            }
        }
        return order != 0 ? order < 0 : left < right
    }

    /// Whether set `a` sorts before set `b`.
    func precedes(_ a: Int, _ b: Int) -> Bool {
        guard starts[a] >= 0, starts[b] >= 0 else {
            return LabelSetEncoding.precedes(encodings[a], encodings[b])
        }
        let left = lengths[a]
        let right = lengths[b]
        guard left > 0, right > 0 else { return left < right }
        let order = bytes.withUnsafeBufferPointer { buffer in
            memcmp(buffer.baseAddress! + starts[a], buffer.baseAddress! + starts[b], min(left, right))
        }
        return order != 0 ? order < 0 : left < right
    }
}
