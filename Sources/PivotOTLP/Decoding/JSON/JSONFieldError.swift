/// A failure while reading a parsed OTLP/JSON tree. It collects the key path (innermost first) as it
/// propagates out through `JSONValue.field(_:_:)` and `JSONValue.list(_:_:)`, and becomes an
/// `OTLPDecodeError` whose message starts with that path, e.g.
/// `resourceMetrics[0].scopeMetrics[1].metrics[0].sum.dataPoints[3].asDouble: expected a number, found an object`.
struct JSONFieldError: Error {
    enum PathStep {
        case key(String)
        case index(Int)
    }

    var code: OTLPDecodeError.Code
    var detail: String
    var offset: Int
    /// The key path, innermost step first.
    var path: [PathStep] = []

    init(_ code: OTLPDecodeError.Code, _ detail: String, offset: Int) {
        self.code = code
        self.detail = detail
        self.offset = offset
    }

    /// A wrong-JSON-type error for `value`, which should have been `expected`.
    static func wrongType(_ value: JSONValue, expected: String) -> JSONFieldError {
        JSONFieldError(.wrongType, "expected \(expected), found \(value.kindDescription)", offset: value.offset)
    }

    var pathDescription: String {
        var text = ""
        for step in path.reversed() {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    var decodeError: OTLPDecodeError {
        let where_ = pathDescription
        return OTLPDecodeError(code, (where_.isEmpty ? "the body" : where_) + ": " + detail, offset: offset)
    }
}

extension JSONValue {
    /// Runs `read` on this value as the field `name`, adding `name` to the path of any error.
    @inline(__always)
    func field<T>(_ name: String, _ read: (JSONValue) throws(JSONFieldError) -> T) throws(JSONFieldError) -> T {
        do throws(JSONFieldError) {
            return try read(self)
        } catch {
            var error = error
            error.path.append(.key(name))
            throw error
        }
    }

    /// Reads this value as the repeated field `name`: an array whose elements each go through `read`.
    /// Errors carry `name[index]` in their path. A `null` element is a wrong type.
    func list<T>(_ name: String, _ read: (JSONValue) throws(JSONFieldError) -> T) throws(JSONFieldError) -> [T] {
        do throws(JSONFieldError) {
            let elements = try self.elements()
            var result: [T] = []
            result.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                do throws(JSONFieldError) {
                    result.append(try read(element))
                } catch {
                    var error = error
                    error.path.append(.index(index))
                    throw error
                }
            }
            return result
        } catch {
            var error = error
            error.path.append(.key(name))
            throw error
        }
    }

    func members() throws(JSONFieldError) -> [JSONMember] {
        guard case .object(let members) = kind else { throw .wrongType(self, expected: "an object") }
        return members
    }

    func elements() throws(JSONFieldError) -> [JSONValue] {
        guard case .array(let elements) = kind else { throw .wrongType(self, expected: "an array") }
        return elements
    }

    func string() throws(JSONFieldError) -> String {
        guard case .string(let string) = kind else { throw .wrongType(self, expected: "a string") }
        return string
    }

    func bool() throws(JSONFieldError) -> Bool {
        guard case .bool(let bool) = kind else { throw .wrongType(self, expected: "a boolean") }
        return bool
    }

    /// A number, or a string holding a number literal (how proto3 JSON writes 64-bit integers).
    private func numeric(expected: String) throws(JSONFieldError) -> JSONNumber {
        switch kind {
        case .number(let number):
            return number
        case .string(let text):
            guard let number = JSONNumber(parsing: text) else {
                throw JSONFieldError(
                    .wrongType, "expected \(expected), found the string \"\(text.prefix(40))\"", offset: offset)
            }
            return number
        default:
            throw .wrongType(self, expected: expected)
        }
    }

    /// `fixed64` / `uint64`: a number or decimal string, exact up to 18446744073709551615.
    func uint64() throws(JSONFieldError) -> UInt64 {
        let number = try numeric(expected: "an unsigned 64-bit integer")
        guard let value = number.uint64Value else { throw outOfRange(number, "an unsigned 64-bit integer") }
        return value
    }

    /// `int64` / `sfixed64`: a number or decimal string, exact over the whole range.
    func int64() throws(JSONFieldError) -> Int64 {
        let number = try numeric(expected: "a 64-bit integer")
        guard let value = number.int64Value else { throw outOfRange(number, "a 64-bit integer") }
        return value
    }

    /// `int32` / `sint32`.
    func int32() throws(JSONFieldError) -> Int32 {
        let number = try numeric(expected: "a 32-bit integer")
        guard let value = number.int64Value.flatMap(Int32.init(exactly:)) else {
            throw outOfRange(number, "a 32-bit integer")
        }
        return value
    }

    /// `uint32`.
    func uint32() throws(JSONFieldError) -> UInt32 {
        let number = try numeric(expected: "an unsigned 32-bit integer")
        guard let value = number.uint64Value.flatMap(UInt32.init(exactly:)) else {
            throw outOfRange(number, "an unsigned 32-bit integer")
        }
        return value
    }

    /// `double`: a number, a numeric string, or one of the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    func double() throws(JSONFieldError) -> Double {
        if case .string(let text) = kind {
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: break
            }
        }
        return try numeric(expected: "a number").doubleValue
    }

    private func outOfRange(_ number: JSONNumber, _ expected: String) -> JSONFieldError {
        JSONFieldError(.wrongType, "expected \(expected), found \(number)", offset: offset)
    }

    /// A trace or span id: `byteCount * 2` hex digits in either case; the empty string is an absent id.
    /// Anything else is `.invalidID`.
    func hexID(byteCount: Int, kind idKind: String) throws(JSONFieldError) -> [UInt8] {
        var text = try string()
        if text.isEmpty { return [] }
        let id: [UInt8]? = text.withUTF8 { utf8 in
            guard utf8.count == byteCount * 2 else { return nil }
            var bytes = [UInt8](repeating: 0, count: byteCount)
            for index in 0..<byteCount {
                guard let high = JSONReader.hexDigitValue(utf8[2 * index]),
                    let low = JSONReader.hexDigitValue(utf8[2 * index + 1])
                else { return nil }
                bytes[index] = high << 4 | low
            }
            return bytes
        }
        guard let id else {
            let length = text.utf8.count
            let what = length == byteCount * 2 ? "a string with non-hex characters" : "a string of \(length) characters"
            throw JSONFieldError(
                .invalidID, "a \(idKind) must be \(byteCount * 2) hex digits, found \(what)", offset: offset)
        }
        return id
    }

    /// `bytes`: base64, standard or URL-safe alphabet, padding optional.
    func base64Bytes() throws(JSONFieldError) -> [UInt8] {
        var text = try string()
        let decoded = text.withUTF8 { JSONBase64.decode($0) }
        guard let decoded else {
            throw JSONFieldError(.wrongType, "expected base64, found a string that is not base64", offset: offset)
        }
        return decoded
    }
}

/// The scalar readers of `JSONValue` as functions, in the shape `field(_:_:)` and `list(_:_:)` take.
enum JSONRead {
    static func string(_ json: JSONValue) throws(JSONFieldError) -> String { try json.string() }
    static func bool(_ json: JSONValue) throws(JSONFieldError) -> Bool { try json.bool() }
    static func uint64(_ json: JSONValue) throws(JSONFieldError) -> UInt64 { try json.uint64() }
    static func int64(_ json: JSONValue) throws(JSONFieldError) -> Int64 { try json.int64() }
    static func int32(_ json: JSONValue) throws(JSONFieldError) -> Int32 { try json.int32() }
    static func uint32(_ json: JSONValue) throws(JSONFieldError) -> UInt32 { try json.uint32() }
    static func double(_ json: JSONValue) throws(JSONFieldError) -> Double { try json.double() }
    static func base64Bytes(_ json: JSONValue) throws(JSONFieldError) -> [UInt8] { try json.base64Bytes() }
}
