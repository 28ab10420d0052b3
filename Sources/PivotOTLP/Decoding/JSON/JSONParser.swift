/// A strict RFC 8259 JSON parser over bytes, producing a `JSONValue` tree.
///
/// Strict: one value with optional whitespace around it (a leading UTF-8 byte order mark is skipped),
/// no comments, no trailing commas, no leading zeros, no `NaN` literals, control characters in strings
/// must be escaped, strings must be valid UTF-8 (overlong forms, surrogates and code points above
/// U+10FFFF are rejected) and `\u` escapes must pair surrogates. Errors are `OTLPDecodeError`s whose
/// `offset` is the byte where the problem was found: `.truncated` when the body ends inside a value,
/// `.malformed` for bad syntax, `.invalidUTF8` for bad string bytes or unpaired surrogate escapes, and
/// `.tooDeep` when arrays and objects nest deeper than `maxDepth`.
///
/// The parser is recursive: each nesting level uses one stack frame, which `maxDepth` bounds.
public struct JSONParser: Sendable {
    /// The deepest nesting of arrays and objects accepted; the outermost array or object is depth 1.
    /// Default 64.
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    public func parse(_ body: [UInt8]) throws(OTLPDecodeError) -> JSONValue {
        try body.withUnsafeBufferPointer { (buffer) throws(OTLPDecodeError) -> JSONValue in
            try parse(buffer)
        }
    }

    public func parse(_ body: UnsafeRawBufferPointer) throws(OTLPDecodeError) -> JSONValue {
        try parse(body.assumingMemoryBound(to: UInt8.self))
    }

    public func parse(_ body: UnsafeBufferPointer<UInt8>) throws(OTLPDecodeError) -> JSONValue {
        var reader = JSONReader(bytes: body, maxDepth: maxDepth)
        return try reader.readDocument()
    }
}

/// The parsing cursor behind `JSONParser`. The buffer must outlive it.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    var depth = 0
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []
    /// Members of the objects being read, innermost last; each object's are copied out once it closes,
    /// so every object allocates one exactly-sized array.
    var memberStack: [JSONMember] = []
    /// Elements of the arrays being read, likewise.
    var elementStack: [JSONValue] = []
    /// Long object keys seen so far (short ones are stored inline by `String`), so that a key repeated
    /// across thousands of data points shares one allocation. Bounded by `maxCachedKeys`.
    var keyCache: [Int: String] = [:]
    static let maxCachedKeys = 512

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func readDocument() throws(OTLPDecodeError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
        guard position < bytes.count else {
            throw OTLPDecodeError(.truncated, "the body holds no JSON value", offset: position)
        }
        let value = try readValue()
        skipWhitespace()
        guard position == bytes.count else {
            throw OTLPDecodeError(.malformed, "malformed JSON: unexpected data after the value", offset: position)
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    /// Reads the value starting at `position` (whitespace already skipped, not at the end).
    mutating func readValue() throws(OTLPDecodeError) -> JSONValue {
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"): return JSONValue(.object(try readObject()), offset: start)
        case UInt8(ascii: "["): return JSONValue(.array(try readArray()), offset: start)
        case UInt8(ascii: "\""): return JSONValue(.string(try readString()), offset: start)
        case UInt8(ascii: "t"): try readLiteral("true"); return JSONValue(.bool(true), offset: start)
        case UInt8(ascii: "f"): try readLiteral("false"); return JSONValue(.bool(false), offset: start)
        case UInt8(ascii: "n"): try readLiteral("null"); return JSONValue(.null, offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(.number(try readNumber()), offset: start)
        default:
            throw malformed("expected a value, found \(describe(bytes[position]))")
        }
    }

    private mutating func enterContainer() throws(OTLPDecodeError) {
        depth += 1
        guard depth <= maxDepth else {
            throw OTLPDecodeError(
                .tooDeep, "JSON arrays and objects nest deeper than the limit of \(maxDepth)", offset: position)
        }
    }

    private mutating func readObject() throws(OTLPDecodeError) -> [JSONMember] {
        try enterContainer()
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return []
        }
        let base = memberStack.count
        while true {
            try expect(UInt8(ascii: "\""), "a string key in an object")
            let key = try readKey()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            position += 1
            skipWhitespace()
            guard position < bytes.count else { throw truncated("inside an object") }
            memberStack.append(JSONMember(key: key, value: try readValue()))
            skipWhitespace()
            guard position < bytes.count else { throw truncated("inside an object") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                let members = Array(memberStack[base...])
                memberStack.removeSubrange(base...)
                return members
            default:
                throw malformed("expected ',' or '}' in an object, found \(describe(bytes[position]))")
            }
        }
    }

    private mutating func readArray() throws(OTLPDecodeError) -> [JSONValue] {
        try enterContainer()
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return []
        }
        let base = elementStack.count
        while true {
            guard position < bytes.count else { throw truncated("inside an array") }
            elementStack.append(try readValue())
            skipWhitespace()
            guard position < bytes.count else { throw truncated("inside an array") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                let elements = Array(elementStack[base...])
                elementStack.removeSubrange(base...)
                return elements
            default:
                throw malformed("expected ',' or ']' in an array, found \(describe(bytes[position]))")
            }
        }
    }

    private mutating func readNumber() throws(OTLPDecodeError) -> JSONNumber {
        switch JSONNumber.scan(bytes, at: position) {
        case .number(let number, let end):
            position = end
            return number
        case .truncated:
            position = bytes.count
            throw truncated("inside a number")
        case .malformed(let offset, let reason):
            position = offset
            throw malformed("malformed number: expected \(reason)")
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(OTLPDecodeError) {
        let start = position
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for expected in text {
            guard position < bytes.count else { throw truncated("inside the literal \(literal)") }
            guard bytes[position] == expected else {
                position = start
                throw malformed("expected a value, found an unknown literal")
            }
            position += 1
        }
    }

    /// Checks that the next byte is `byte` without consuming it.
    @inline(__always)
    private func expect(_ byte: UInt8, _ what: String) throws(OTLPDecodeError) {
        guard position < bytes.count else { throw truncated("where \(what) was expected") }
        guard bytes[position] == byte else { throw malformed("expected \(what), found \(describe(bytes[position]))") }
    }

    func truncated(_ context: String) -> OTLPDecodeError {
        OTLPDecodeError(.truncated, "the body ends \(context)", offset: bytes.count)
    }

    func malformed(_ message: String) -> OTLPDecodeError {
        OTLPDecodeError(.malformed, "malformed JSON: \(message)", offset: position)
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
