/// A minimal JSON text builder for the response shapes in this module. The caller writes the
/// structure in order; the writer inserts commas and escapes strings (RFC 8259: `"` `\` and control
/// characters; everything else is written as UTF-8).
struct JSONWriter {
    private(set) var text = ""
    /// Whether the next value at the current nesting level needs a leading comma.
    private var needsComma: [Bool] = [false]

    init() {}

    mutating func beginObject() {
        separate()
        text.append("{")
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        text.append("}")
    }

    mutating func beginArray() {
        separate()
        text.append("[")
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        text.append("]")
    }

    /// Writes `"name":`; the next call writes the value.
    mutating func key(_ name: String) {
        separate()
        Self.appendQuoted(name, to: &text)
        text.append(":")
        needsComma[needsComma.count - 1] = false
        pendingValueAfterKey = true
    }

    private var pendingValueAfterKey = false

    mutating func string(_ value: String) {
        separate()
        Self.appendQuoted(value, to: &text)
    }

    mutating func int(_ value: Int64) {
        separate()
        text.append(String(value))
    }

    mutating func uint(_ value: UInt64) {
        separate()
        text.append(String(value))
    }

    /// A finite double in the shortest form that reads back exactly; NaN and infinities as the
    /// proto3 JSON strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    mutating func double(_ value: Double) {
        separate()
        if value.isNaN {
            text.append("\"NaN\"")
        } else if value.isInfinite {
            text.append(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        } else if value == value.rounded(), abs(value) < 1e15 {
            text.append(String(Int64(value)))
        } else {
            text.append("\(value)")
        }
    }

    mutating func bool(_ value: Bool) {
        separate()
        text.append(value ? "true" : "false")
    }

    mutating func null() {
        separate()
        text.append("null")
    }

    /// Inserts already-encoded JSON as one value.
    mutating func raw(_ json: String) {
        separate()
        text.append(json)
    }

    private mutating func separate() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
            needsComma[needsComma.count - 1] = true
            return
        }
        if needsComma[needsComma.count - 1] { text.append(",") }
        needsComma[needsComma.count - 1] = true
    }

    static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}
