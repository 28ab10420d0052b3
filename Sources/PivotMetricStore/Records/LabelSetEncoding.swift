import Glibc
import PivotModel

/// The byte form of a label set that identifies a series (and stores exemplar labels): for every
/// label with a non-empty value, in the order given (sorted by name for series),
/// `uvarint(name length) name uvarint(value length) value`.
///
/// Length prefixes make the form unambiguous for any bytes, including NUL. Labels with an empty
/// value are left out, because an empty value means "no such label".
enum LabelSetEncoding {
    /// Encodes `labels`.
    static func encode(_ labels: Labels) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(labels.reduce(0) { total, label in
            let name = label.name.utf8.count
            let value = label.value.utf8.count
            return total + name + value + (name < 0x80 ? 1 : 5) + (value < 0x80 ? 1 : 5)
        })
        for label in labels where !label.value.isEmpty {
            VarInt.appendUnsigned(UInt64(label.name.utf8.count), to: &out)
            out.append(contentsOf: label.name.utf8)
            VarInt.appendUnsigned(UInt64(label.value.utf8.count), to: &out)
            out.append(contentsOf: label.value.utf8)
        }
        return out
    }

    /// Encodes the labels `refs` of a batch, whose bytes are `arena`.
    static func encode(
        arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>, into out: inout [UInt8]
    ) {
        var size = 0
        for ref in refs where ref.value.length > 0 {
            size += varIntSize(ref.name.length) + Int(ref.name.length) + varIntSize(ref.value.length) + Int(ref.value.length)
        }
        out.reserveCapacity(out.count + size)
        for ref in refs where ref.value.length > 0 {
            VarInt.appendUnsigned(UInt64(ref.name.length), to: &out)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: arena[range(ref.name)]))
            VarInt.appendUnsigned(UInt64(ref.value.length), to: &out)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: arena[range(ref.value)]))
        }
    }

    @inline(__always)
    private static func varIntSize(_ value: UInt32) -> Int {
        value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5
    }

    /// Whether `encoded` is the encoding of the batch labels `refs`. Compares bytes only; allocates nothing.
    static func matches(
        _ encoded: UnsafeRawBufferPointer, arena: UnsafeRawBufferPointer, refs: UnsafeBufferPointer<WriteBatch.LabelRef>
    ) -> Bool {
        var position = 0
        for ref in refs where ref.value.length > 0 {
            guard matchPiece(encoded, &position, arena, ref.name), matchPiece(encoded, &position, arena, ref.value) else {
                return false
            }
        }
        return position == encoded.count
    }

    @inline(__always)
    private static func matchPiece(
        _ encoded: UnsafeRawBufferPointer, _ position: inout Int, _ arena: UnsafeRawBufferPointer,
        _ piece: WriteBatch.ByteRange
    ) -> Bool {
        let length = Int(piece.length)
        // Lengths below 128 take one byte, the common case.
        if position < encoded.count, encoded[position] < 0x80 {
            guard Int(encoded[position]) == length else { return false }
            position += 1
        } else {
            guard let decoded = VarInt.readUnsigned(encoded, &position), decoded == UInt64(length) else { return false }
        }
        guard encoded.count - position >= length else { return false }
        if length > 0 {
            guard bytesEqual(encoded.baseAddress! + position, arena.baseAddress! + Int(piece.offset), length) else {
                return false
            }
        }
        position += length
        return true
    }

    /// Whether `count` bytes at `a` and `b` are equal; inlined word compares for the short strings
    /// labels are made of.
    @inline(__always)
    static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        if count >= 8 {
            var offset = 0
            while count - offset > 8 {
                if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                offset += 8
            }
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        return LabelHasher.shortWord(a, count) == LabelHasher.shortWord(b, count)
    }

    /// Calls `body` with each (name, value) pair of an encoding, as byte buffers, in order.
    /// Returns false when the encoding is malformed.
    @discardableResult
    static func forEachPair(
        _ encoded: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) -> Bool {
        var position = 0
        while position < encoded.count {
            guard let name = readPiece(encoded, &position), let value = readPiece(encoded, &position) else { return false }
            body(name, value)
        }
        return true
    }

    /// Whether the label set encoded in `a` orders before the one in `b`, as `Labels` order
    /// (label by label, names then values by UTF-8 bytes; a prefix first). Allocates nothing.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                var i = 0
                var j = 0
                while true {
                    if i >= left.count || j >= right.count { return i >= left.count && j < right.count }
                    guard let leftPiece = readPiece(left, &i), let rightPiece = readPiece(right, &j) else { return false }
                    let common = min(leftPiece.count, rightPiece.count)
                    let order = common == 0 ? 0 : memcmp(leftPiece.baseAddress!, rightPiece.baseAddress!, common)
                    if order != 0 { return order < 0 }
                    if leftPiece.count != rightPiece.count { return leftPiece.count < rightPiece.count }
                }
            }
        }
    }

    /// Decodes an encoding into labels (in the encoded order), or nil when it is malformed.
    static func decode(_ encoded: UnsafeRawBufferPointer) -> Labels? {
        // Count first: growing the array label by label reallocated it about four times per series.
        var count = 0
        guard forEachPair(encoded, { _, _ in count += 1 }) else { return nil }
        var labels: [Label] = []
        labels.reserveCapacity(count)
        let ok = forEachPair(encoded) { name, value in
            labels.append(Label(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }
        return ok ? Labels(sorted: labels) : nil
    }

    static func decode(_ encoded: [UInt8]) -> Labels? {
        encoded.withUnsafeBytes { decode($0) }
    }

    /// The value of label `name` in an encoding, or nil when the set has no such label.
    static func value(of name: String, in encoded: [UInt8]) -> String? {
        var result: String?
        var target = name
        target.withUTF8 { wanted in
            encoded.withUnsafeBytes { raw in
                _ = forEachPair(raw) { labelName, labelValue in
                    if result == nil, labelName.elementsEqual(UnsafeRawBufferPointer(wanted)) {
                        result = String(decoding: labelValue, as: UTF8.self)
                    }
                }
            }
        }
        return result
    }

    private static func readPiece(_ encoded: UnsafeRawBufferPointer, _ position: inout Int) -> UnsafeRawBufferPointer? {
        guard let length = VarInt.readUnsigned(encoded, &position), length <= UInt64(encoded.count - position) else {
            return nil
        }
        let piece = UnsafeRawBufferPointer(rebasing: encoded[position..<position + Int(length)])
        position += Int(length)
        return piece
    }

    @inline(__always)
    static func range(_ piece: WriteBatch.ByteRange) -> Range<Int> {
        Int(piece.offset)..<Int(piece.offset) + Int(piece.length)
    }
}
