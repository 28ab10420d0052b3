import PivotModel
import PivotWire
import SwiftProtobuf

/// Decodes an OTLP/JSON `ExportTraceServiceRequest`. Trace and span ids are hex (any case) as the OTLP
/// JSON mapping says; they are rewritten to the base64 protobuf's JSON form expects, the request is read
/// by swift-protobuf (so every field of the schema is kept, unknown keys ignored) and serialized, and the
/// protobuf bytes go through `OTLPTracesProtobufDecoder`: JSON and protobuf exports store the same bytes.
public struct OTLPTracesJSONDecoder: Sendable {
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    static let idKeys: [String: Int] = [
        "traceId": 16, "trace_id": 16, "spanId": 8, "span_id": 8, "parentSpanId": 8, "parent_span_id": 8,
    ]

    public func decode(_ body: [UInt8]) throws(OTLPDecodeError) -> OTLPTracesDecoded {
        try OTLPTracesProtobufDecoder().decode(try protobufBytes(body))
    }

    /// The request as protobuf bytes.
    public func protobufBytes(_ body: [UInt8]) throws(OTLPDecodeError) -> [UInt8] {
        let json = try JSONParser(maxDepth: maxDepth).parse(body)
        var text = ""
        text.reserveCapacity(body.count + body.count / 4)
        do throws(JSONFieldError) {
            try Self.write(json, key: nil, into: &text)
        } catch {
            throw error.decodeError
        }
        do {
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            let request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(
                jsonString: text, options: options)
            return try request.serializedBytes()
        } catch {
            throw OTLPDecodeError(.wrongType, "the trace export request does not match its schema: \(error)", offset: 0)
        }
    }

    /// Writes `value` back as JSON text, turning hex ids into base64.
    static func write(_ value: JSONValue, key: String?, into text: inout String) throws(JSONFieldError) {
        switch value.kind {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number): text += number.description
        case .string(let string):
            if let key, let length = idKeys[key] {
                let id = try value.hexID(byteCount: length, kind: key)
                text += "\"" + OTLPNumberFormat.base64(id) + "\""
            } else {
                OTLPJSONWriter.writeString(string, into: &text)
            }
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                do throws(JSONFieldError) {
                    try write(element, key: nil, into: &text)
                } catch {
                    var located = error
                    located.path.append(.index(index))
                    throw located
                }
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                OTLPJSONWriter.writeString(member.key, into: &text)
                text += ":"
                do throws(JSONFieldError) {
                    try write(member.value, key: member.key, into: &text)
                } catch {
                    var located = error
                    located.path.append(.key(member.key))
                    throw located
                }
            }
            text += "}"
        }
    }
}
