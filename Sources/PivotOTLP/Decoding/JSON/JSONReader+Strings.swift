import PivotModel

extension JSONReader {
    /// Reads an object key: like `readString()`, but long keys without escapes come from `keyCache`.
    mutating func readKey() throws(OTLPDecodeError) -> String {
        let start = position + 1
        var end = start
        var hash = 14_695_981_039_346_656_037 as UInt64
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
            end += 1
        }
        let length = end - start
        guard length > 15, end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return try readString() }
        let slot = Int(truncatingIfNeeded: hash)
        let keyBytes = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if let cached = keyCache[slot], cached.utf8.elementsEqual(keyBytes) {
            position = end + 1
            return cached
        }
        let key = String(decoding: keyBytes, as: UTF8.self)
        if keyCache.count < Self.maxCachedKeys { keyCache[slot] = key }
        position = end + 1
        return key
    }

    /// Reads the string whose opening quote is at `position`, validating UTF-8 and decoding escapes.
    /// Strings without escapes are created straight from the body's bytes.
    mutating func readString() throws(OTLPDecodeError) -> String {
        position += 1
        var segmentStart = position
        var escaped = false
        while true {
            guard position < bytes.count else { throw truncated("inside a string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                if !escaped {
                    escaped = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<position]))
                try readEscape()
                segmentStart = position
            } else if byte < 0x20 {
                throw malformed("control character \(describe(byte)) in a string must be escaped")
            } else if byte < 0x80 {
                position += 1
            } else {
                try skipUTF8Sequence()
            }
        }
        let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<position])
        position += 1
        guard escaped else { return String(decoding: segment, as: UTF8.self) }
        scratch.append(contentsOf: segment)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Decodes the escape whose backslash is at `position` into `scratch`.
    private mutating func readEscape() throws(OTLPDecodeError) {
        position += 1
        guard position < bytes.count else { throw truncated("inside a string escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = position - 2
            var scalar = try readHex4()
            if (0xDC00...0xDFFF).contains(scalar) {
                throw OTLPDecodeError(
                    .invalidUTF8, "unpaired low surrogate \\u\(hex(scalar)) in a string", offset: escapeStart)
            }
            if (0xD800...0xDBFF).contains(scalar) {
                let unpaired = OTLPDecodeError(
                    .invalidUTF8, "unpaired high surrogate \\u\(hex(scalar)) in a string", offset: escapeStart)
                guard position < bytes.count else { throw truncated("inside a string") }
                guard bytes[position] == UInt8(ascii: "\\") else { throw unpaired }
                guard position + 1 < bytes.count else { throw truncated("inside a string escape") }
                guard bytes[position + 1] == UInt8(ascii: "u") else { throw unpaired }
                position += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw unpaired }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            appendUTF8(scalar)
        default:
            position -= 1
            throw malformed("invalid escape \\\(describe(byte)) in a string")
        }
    }

    private mutating func readHex4() throws(OTLPDecodeError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw truncated("inside a \\u escape") }
            guard let digit = Self.hexDigitValue(bytes[position]) else {
                throw malformed("expected 4 hex digits after \\u, found \(describe(bytes[position]))")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Skips the multi-byte UTF-8 sequence whose lead byte is at `position`, rejecting invalid lead bytes,
    /// overlong forms, surrogates and code points above U+10FFFF (RFC 3629 well-formed sequences only).
    private mutating func skipUTF8Sequence() throws(OTLPDecodeError) {
        let lead = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw invalidUTF8()
        }
        for index in 1..<length {
            guard position + index < bytes.count else { throw truncated("inside a string") }
            let byte = bytes[position + index]
            guard index == 1 ? secondRange.contains(byte) : (0x80...0xBF).contains(byte) else { throw invalidUTF8() }
        }
        position += length
    }

    private func invalidUTF8() -> OTLPDecodeError {
        OTLPDecodeError(.invalidUTF8, "a string is not valid UTF-8", offset: position)
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The value of an ASCII hex digit (either case), or nil.
    @inline(__always)
    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        Hex.value(ofDigit: byte)
    }
}
