import PivotModel
import PivotPromQL
import PivotPromQLEngine

extension QueryResult {
    /// The body the query API answers this result with: `{"status":"success","data":…}` as Prometheus
    /// writes it.
    public var apiBody: [UInt8] {
        QueryResultJSON.successBody(value, warnings: annotations.warnings, infos: annotations.infos)
    }
}

/// JSON encoding of query results exactly as Prometheus's API writes them: timestamps as float
/// seconds (`jsonutil.MarshalTimestamp`), values as strings (`jsonutil.MarshalValue`).
///
/// Writes UTF-8 bytes into one growing buffer (no intermediate strings per point).
enum QueryResultJSON {
    /// The whole success envelope, `{"status":"success","data":…,"warnings":…,"infos":…}`, as bytes
    /// written once (a large matrix was copied four times on its way through strings).
    static func successBody(_ value: QueryValue, warnings: [String], infos: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(estimatedSize(value) + 64)
        out.append(contentsOf: "{\"status\":\"success\",\"data\":".utf8)
        write(value, to: &out)
        for (key, texts) in [("warnings", warnings), ("infos", infos)] where !texts.isEmpty {
            out.append(contentsOf: ",\"\(key)\":[".utf8)
            for (index, text) in texts.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                var quoted = JSONString.quote(text)
                quoted.withUTF8 { out.append(contentsOf: $0) }
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The `data` object of a query answer.
    static func write(_ value: QueryValue, to out: inout [UInt8]) {
        out.append(contentsOf: "{\"resultType\":\"".utf8)
        out.append(contentsOf: value.resultType.utf8)
        out.append(contentsOf: "\",\"result\":".utf8)
        switch value {
        case .scalar(let point):
            writePair(point.timestamp, point.value, to: &out)
        case .string(let text, let time):
            out.append(UInt8(ascii: "["))
            writeTimestamp(time, to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: JSONString.quote(text).utf8)
            out.append(UInt8(ascii: "]"))
        case .vector(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "{\"metric\":".utf8)
                writeLabels(element.labels, to: &out)
                out.append(contentsOf: ",\"value\":".utf8)
                writePair(element.timestamp, element.value, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        case .matrix(let series):
            out.append(UInt8(ascii: "["))
            var stamps = TimestampTexts()
            for (index, one) in series.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "{\"metric\":".utf8)
                writeLabels(one.labels, to: &out)
                out.append(contentsOf: ",\"values\":[".utf8)
                stamps.rewind()
                for (pointIndex, point) in one.points.enumerated() {
                    guard let stamp = stamps.text(for: point.timestamp), Self.valueFitsInline(point.value) else {
                        if pointIndex > 0 { out.append(UInt8(ascii: ",")) }
                        writePair(point.timestamp, point.value, to: &out)
                        continue
                    }
                    // The whole `,[<time>,"<value>"]` written straight into the array's storage: one
                    // capacity check per point instead of one per byte or piece.
                    stamps.withText(stamp) { time in
                        out.appendBytes(maximum: time.count + Self.inlineValueMaximum + 6) { target in
                            var n = 0
                            if pointIndex > 0 {
                                target[n] = UInt8(ascii: ",")
                                n += 1
                            }
                            target[n] = UInt8(ascii: "[")
                            (target + n + 1).update(from: time.baseAddress!, count: time.count)
                            n += 1 + time.count
                            target[n] = UInt8(ascii: ",")
                            target[n + 1] = UInt8(ascii: "\"")
                            n += 2
                            n += writeInlineValue(point.value, into: target + n)
                            target[n] = UInt8(ascii: "\"")
                            target[n + 1] = UInt8(ascii: "]")
                            return n + 2
                        }
                    }
                }
                out.append(contentsOf: "]}".utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    static func pair(_ time: Int64, _ value: String) -> String {
        "[" + timestamp(time) + ",\"" + value + "\"]"
    }

    /// Milliseconds as float seconds: the integer part, then `.` and exactly three digits when the
    /// millisecond fraction is not zero.
    static func timestamp(_ milliseconds: Int64) -> String {
        var out: [UInt8] = []
        writeTimestamp(milliseconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func labels(_ labels: Labels) -> String {
        var out: [UInt8] = []
        writeLabels(labels, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Byte writers

    /// A rough size of the encoding, so the buffer grows rarely.
    private static func estimatedSize(_ value: QueryValue) -> Int {
        switch value {
        case .scalar, .string: return 64
        case .vector(let elements): return 64 + elements.count * 256
        case .matrix(let series): return 64 + series.reduce(0) { $0 + 256 + $1.points.count * 32 }
        }
    }

    /// `[<timestamp>,"<value>"]`.
    static func writePair(_ time: Int64, _ value: Double, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        writeTimestamp(time, to: &out)
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        writeValue(value, to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: "]"))
    }

    /// `GoFloatFormat.apiValue(value)`. Integers from 1 to below 1e15 are written directly; other
    /// values from 1e-4 to below 1e15 use Swift's shortest round-trip form (`description`), which is
    /// the same fixed notation there (both give the shortest digits that round-trip, closest to the
    /// value), streamed straight into `out` without building a string (half the time per value).
    static func writeValue(_ value: Double, to out: inout [UInt8]) {
        if valueFitsInline(value) {
            out.appendBytes(maximum: inlineValueMaximum) { writeInlineValue(value, into: $0) }
            return
        }
        out.append(contentsOf: GoFloatFormat.apiValue(value).utf8)
    }

    /// Whether `writeInlineValue` writes `value`: magnitudes from 1e-4 to below 1e15, where Go's
    /// formatting is fixed notation.
    @inline(__always)
    static func valueFitsInline(_ value: Double) -> Bool {
        let magnitude = value.magnitude
        return magnitude >= 1e-4 && magnitude < 1e15
    }

    /// The most bytes `writeInlineValue` writes: a sign, 17 significant digits, a point and the
    /// leading zeros of a magnitude down to 1e-4.
    static let inlineValueMaximum = 32

    /// Writes a value `valueFitsInline` accepts at `target` and returns the byte count.
    @inline(__always)
    static func writeInlineValue(_ value: Double, into target: UnsafeMutablePointer<UInt8>) -> Int {
        if value == value.rounded(.towardZero) {
            var n = 0
            if value < 0 {
                target[0] = UInt8(ascii: "-")
                n = 1
            }
            return n + writeDecimal(UInt64(value.magnitude), into: target + n)
        }
        var sink = PointerSink(target: target)
        value.write(to: &sink)
        return sink.count
    }

    static func writeTimestamp(_ milliseconds: Int64, to out: inout [UInt8]) {
        if milliseconds < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = milliseconds.magnitude
        writeDecimal(magnitude / 1000, to: &out)
        let fraction = magnitude % 1000
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
            out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        }
    }

    /// The decimal digits of `value`.
    static func writeDecimal(_ value: UInt64, to out: inout [UInt8]) {
        out.appendBytes(maximum: 20) { writeDecimal(value, into: $0) }
    }

    /// Writes the decimal digits of `value` at `target` (at most 20) and returns their count: two at a
    /// time from the end of a stack buffer, then copied.
    @inline(__always)
    static func writeDecimal(_ value: UInt64, into target: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 10 {
            target[0] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value)
            return 1
        }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for 20 digits
        return withUnsafeMutableBytes(of: &scratch) { digits in
            var position = 24
            var rest = value
            while rest >= 100 {
                let pair = UInt8(truncatingIfNeeded: rest % 100)
                rest /= 100
                position -= 2
                digits[position] = UInt8(ascii: "0") + pair / 10
                digits[position + 1] = UInt8(ascii: "0") + pair % 10
            }
            if rest >= 10 {
                position -= 2
                digits[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / 10)
                digits[position + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            } else {
                position -= 1
                digits[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest)
            }
            let count = 24 - position
            target.update(from: digits.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: count)
            return count
        }
    }

    static func writeLabels(_ labels: Labels, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, label) in labels.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeQuoted(label.name, to: &out)
            out.append(UInt8(ascii: ":"))
            writeQuoted(label.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `JSONString.quote(string)`, copying the bytes directly when nothing needs escaping.
    static func writeQuoted(_ string: String, to out: inout [UInt8]) {
        // Label names and values are nearly always plain: check and copy their bytes in one buffer.
        let written: Bool? = string.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if written == true { return }
        out.append(contentsOf: JSONString.quote(string).utf8)
    }
}

/// A text stream into memory the caller reserved. Numbers write their ASCII digits through
/// `_writeASCII` from a stack buffer, so no `String` is made for them.
private struct PointerSink: TextOutputStream {
    let target: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { _writeASCII($0) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        (target + count).update(from: base, count: buffer.count)
        count += buffer.count
    }
}

extension Array where Element == UInt8 {
    /// Lets `body` write at most `maximum` bytes straight into the array's spare storage and appends
    /// the count it returns. Capacity grows geometrically, as appends would grow it.
    @inline(__always)
    mutating func appendBytes(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if capacity - count < maximum { reserveCapacity(Swift.max(capacity * 2, count + maximum)) }
        append(addingCapacity: maximum) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                let written = body(buffer.baseAddress! + initialized)
                precondition(written <= buffer.count - initialized, "wrote past the reserved bytes")
                initialized += written
            }
        }
    }
}

/// The text of timestamps that repeat from series to series (a range query's steps), each written
/// once and then copied: the points of a matrix mostly share the same ascending times.
struct TimestampTexts {
    /// At most this many distinct times are kept (a range query has at most 11,000 steps).
    static let limit = 11_000
    private var times: [Int64] = []
    /// Where each time's text ends in `text`.
    private var ends: [Int] = []
    private var text: [UInt8] = []
    private var cursor = 0

    /// Starts the next series at the first kept time.
    mutating func rewind() {
        cursor = 0
    }

    /// Where the text of `time` is kept (for `withText`), adding it when it follows every kept time;
    /// nil when it is not kept. Times must ascend within a series.
    mutating func text(for time: Int64) -> Range<Int>? {
        while cursor < times.count && times[cursor] < time { cursor += 1 }
        if cursor < times.count && times[cursor] == time {
            cursor += 1
            return (cursor == 1 ? 0 : ends[cursor - 2])..<ends[cursor - 1]
        }
        guard cursor == times.count, times.count < Self.limit else { return nil }
        let start = text.count
        QueryResultJSON.writeTimestamp(time, to: &text)
        times.append(time)
        ends.append(text.count)
        cursor += 1
        return start..<text.count
    }

    /// Calls `body` with the kept text at `range`.
    func withText<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}
