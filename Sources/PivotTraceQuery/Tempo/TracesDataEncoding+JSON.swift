import Foundation
import PivotWire
import SwiftProtobuf

extension TracesDataEncoding {
    /// OTLP/JSON for `TracesData` bytes, as Tempo serves `GET /api/traces/{id}` without
    /// `Accept: application/protobuf`: `{"resourceSpans":[...]}` with lowerCamelCase keys, trace and
    /// span ids (`traceId`, `spanId`, `parentSpanId`, also in links) as lower-case hex, other bytes
    /// base64, 64-bit integers as strings, enums as integers and default values left out. Fields this
    /// build's generated types do not know are dropped. Throws when the bytes are not a valid message.
    public static func tracesDataJSON(_ tracesData: [UInt8]) throws(TraceEncodingError) -> String {
        let message: Opentelemetry_Proto_Trace_V1_TracesData
        do {
            message = try Opentelemetry_Proto_Trace_V1_TracesData(serializedBytes: tracesData)
        } catch {
            throw TraceEncodingError(code: .invalidProtobuf, message: "cannot decode stored trace: \(error)")
        }
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = true
        let json: String
        do {
            json = try message.jsonString(options: options)
        } catch {
            throw TraceEncodingError(code: .jsonEncoding, message: "cannot encode trace as JSON: \(error)")
        }
        return rewritingIDsAsHex(json)
    }

    /// Tempo v2 trace-by-id JSON: `{"trace":{...TracesData JSON...}}`, plus `"status":"PARTIAL"` and
    /// `"message"` for a partial trace. The `trace` object is always present (`{}` when empty).
    public static func traceByIDResponseJSON(
        tracesData: [UInt8], status: PartialStatus = .complete, message: String = ""
    ) throws(TraceEncodingError) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("trace")
        writer.raw(try tracesDataJSON(tracesData))
        if status == .partial {
            writer.key("status")
            writer.string("PARTIAL")
        }
        if !message.isEmpty {
            writer.key("message")
            writer.string(message)
        }
        writer.endObject()
        return writer.text
    }

    /// Replaces the base64 value of every `"traceId"`, `"spanId"` and `"parentSpanId"` key with hex.
    /// Only keys can match: inside a JSON string a `"` is always escaped, so `"traceId":"` never
    /// occurs in encoded string content.
    static func rewritingIDsAsHex(_ json: String) -> String {
        let keys: [[UInt8]] = ["\"traceId\":\"", "\"spanId\":\"", "\"parentSpanId\":\""].map { Array($0.utf8) }
        let bytes = Array(json.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var i = 0
        scan: while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\"") {
                for key in keys where matches(key, in: bytes, at: i) {
                    let valueStart = i + key.count
                    guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { break }
                    let base64 = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
                    guard let decoded = Data(base64Encoded: base64) else { break }
                    out.append(contentsOf: key)
                    out.append(contentsOf: TraceID.hexDigits(Array(decoded), width: 0).utf8)
                    out.append(UInt8(ascii: "\""))
                    i = valueEnd + 1
                    continue scan
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func matches(_ key: [UInt8], in bytes: [UInt8], at start: Int) -> Bool {
        guard start + key.count <= bytes.count else { return false }
        for j in 0..<key.count where bytes[start + j] != key[j] { return false }
        return true
    }
}
