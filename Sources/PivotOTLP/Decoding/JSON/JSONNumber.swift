/// A JSON number, kept so that 64-bit integers survive exactly: an integer literal (no fraction, no
/// exponent) that fits in 64 bits is stored as sign and magnitude; anything else as the nearest `Double`
/// (out-of-range literals such as `1e400` become ±infinity).
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    public enum Storage: Hashable, Sendable {
        /// An integer literal; `magnitude` is the absolute value (`-0` is negative zero).
        case integer(negative: Bool, magnitude: UInt64)
        case float(Double)
    }

    public var storage: Storage

    public init(_ storage: Storage) {
        self.storage = storage
    }

    public init(_ value: Int64) {
        storage = .integer(negative: value < 0, magnitude: value.magnitude)
    }

    public init(_ value: UInt64) {
        storage = .integer(negative: false, magnitude: value)
    }

    public init(_ value: Double) {
        storage = .float(value)
    }

    /// Parses `text` as a JSON number literal (the whole string, no whitespace); nil if it is not one.
    public init?(parsing text: String) {
        var text = text
        let parsed = text.withUTF8 { buffer in
            let result = JSONNumber.scan(buffer, at: 0)
            return result.end == buffer.count ? result.number : nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The value as a float (exact for integers up to 2^53, else rounded).
    public var doubleValue: Double {
        switch storage {
        case .integer(let negative, let magnitude):
            let value = Double(magnitude)
            return negative ? -value : value
        case .float(let value):
            return value
        }
    }

    /// The value as a signed 64-bit integer; nil when it is out of range or not integral.
    public var int64Value: Int64? {
        switch storage {
        case .integer(let negative, let magnitude):
            if negative {
                if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
                return magnitude == UInt64(Int64.max) + 1 ? Int64.min : nil
            }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        case .float(let value):
            return Int64(exactly: value)
        }
    }

    /// The value as an unsigned 64-bit integer; nil when it is negative (except `-0`), out of range or not
    /// integral.
    public var uint64Value: UInt64? {
        switch storage {
        case .integer(let negative, let magnitude):
            return !negative || magnitude == 0 ? magnitude : nil
        case .float(let value):
            return value == 0 ? 0 : UInt64(exactly: value)
        }
    }

    public var description: String {
        switch storage {
        case .integer(let negative, let magnitude): negative ? "-\(magnitude)" : "\(magnitude)"
        case .float(let value): "\(value)"
        }
    }
}

extension JSONNumber {
    /// The outcome of scanning a number literal.
    enum ScanResult {
        case number(JSONNumber, end: Int)
        /// The input ends inside the literal.
        case truncated
        /// Not a number literal; `offset` is the offending byte, `reason` says what was expected.
        case malformed(offset: Int, reason: String)

        var number: JSONNumber? {
            if case .number(let number, _) = self { return number }
            return nil
        }

        var end: Int {
            if case .number(_, let end) = self { return end }
            return -1
        }
    }

    /// Scans the literal `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` starting at `start`;
    /// stops at the first byte that cannot continue it (the caller decides whether that byte may follow).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> ScanResult {
        let count = bytes.count
        var index = start
        var negative = false
        if index < count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < count else { return .truncated }
        guard isDigit(bytes[index]) else { return .malformed(offset: index, reason: "a digit") }
        var magnitude: UInt64 = 0
        var overflow = false
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < count, isDigit(bytes[index]) {
                return .malformed(offset: index, reason: "no leading zeros in a number")
            }
        } else {
            while index < count, isDigit(bytes[index]) {
                let digit = UInt64(bytes[index] &- UInt8(ascii: "0"))
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(digit)
                overflow = overflow || o1 || o2
                magnitude = sum
                index += 1
            }
        }
        var isInteger = true
        if index < count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < count else { return .truncated }
            guard isDigit(bytes[index]) else { return .malformed(offset: index, reason: "a digit after '.'") }
            while index < count, isDigit(bytes[index]) { index += 1 }
        }
        if index < count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < count else { return .truncated }
            guard isDigit(bytes[index]) else { return .malformed(offset: index, reason: "a digit in the exponent") }
            while index < count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger && !overflow {
            return .number(JSONNumber(.integer(negative: negative, magnitude: magnitude)), end: index)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // The text matched the JSON grammar, which `Double.init?(_:)` always accepts.
        return .number(JSONNumber(.float(Double(text) ?? .nan)), end: index)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
