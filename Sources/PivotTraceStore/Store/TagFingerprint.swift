import PivotModel

/// 64-bit fingerprints of tag keys and values, so the append path tests each attribute against the
/// listed keys and values with integer lookups instead of hashing strings twice per attribute. Two
/// different values sharing a fingerprint (about one chance in 2^64 per pair) would leave the second
/// unlisted; nothing else depends on them.
enum TagFingerprint {
    /// A key's fingerprint from its UTF-8 bytes (`AttributeEncoding` keys, read in place).
    static func key(scope: Int, bytes: UnsafeRawBufferPointer) -> UInt64 {
        var mixer = Mixer(seed: 0x6b65_7973 &+ UInt64(truncatingIfNeeded: scope))
        mixer.add(bytes: bytes)
        return mixer.finish()
    }

    /// A value's fingerprint from its `AttributeEncoding` type and content, read in place.
    static func value(key: UInt64, type: UInt8, bytes: UnsafeRawBufferPointer) -> UInt64 {
        var mixer = Mixer(seed: key)
        switch type {
        case AttributeEncoding.stringType:
            mixer.add(1)
            mixer.add(bytes: bytes)
        case AttributeEncoding.intType:
            mixer.add(2)
            mixer.add(UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
        case AttributeEncoding.doubleType:
            mixer.add(3)
            mixer.add(UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
        case AttributeEncoding.boolType:
            mixer.add(bytes.first != 0 ? 5 : 4)
        default:
            mixer.add(6)
            mixer.add(bytes: bytes)
        }
        return mixer.finish()
    }

    /// The fingerprints of a listed key and value (`Catalog`), computed from their encoding so they
    /// equal those of attributes read in place.
    static func key(scope: Int, _ key: String) -> UInt64 {
        fingerprints(SpanAttribute(key: key, value: .bool(false)), scope: scope).key
    }

    static func value(scope: Int, _ key: String, _ value: SpanAttribute.Value) -> UInt64 {
        fingerprints(SpanAttribute(key: key, value: value), scope: scope).value
    }

    private static func fingerprints(_ attribute: SpanAttribute, scope: Int) -> (key: UInt64, value: UInt64) {
        var result = (key: UInt64(0), value: UInt64(0))
        AttributeEncoding.encode([attribute]).withUnsafeBytes { encoded in
            AttributeEncoding.forEach(encoded) { key, type, value in
                result.key = self.key(scope: scope, bytes: key)
                result.value = self.value(key: result.key, type: type, bytes: value)
            }
        }
        return result
    }

    struct Mixer {
        var state: UInt64

        init(seed: UInt64) { state = seed ^ 0x9e37_79b9_7f4a_7c15 }

        mutating func add(_ word: UInt64) {
            state = (state ^ word) &* 0xff51_afd7_ed55_8ccd
            state ^= state >> 32
        }

        mutating func add(_ text: String) {
            if let done = text.utf8.withContiguousStorageIfAvailable({ add(bytes: UnsafeRawBufferPointer($0)) }) {
                return done
            }
            var copy = text
            copy.makeContiguousUTF8()
            copy.utf8.withContiguousStorageIfAvailable { add(bytes: UnsafeRawBufferPointer($0)) }
        }

        mutating func add(bytes: UnsafeRawBufferPointer) {
            var offset = 0
            while bytes.count - offset >= 8 {
                add(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
            add(tail)
            add(UInt64(bytes.count))
        }

        /// MurmurHash3's 64-bit finalizer.
        func finish() -> UInt64 {
            var value = state
            value ^= value >> 33
            value = value &* 0xff51_afd7_ed55_8ccd
            value ^= value >> 33
            value = value &* 0xc4ce_b9fe_1a85_ec53
            value ^= value >> 33
            return value
        }
    }
}
