import Foundation
import PivotWire

/// The plain JSON form of an OTLP `AnyValue` that Jaeger's translator uses for array and map
/// attributes (OpenTelemetry Collector `pcommon.Value.AsString`): arrays as JSON arrays, maps as
/// JSON objects with keys sorted, bytes as base64 strings, an empty value as `null`.
enum AnyValueJSON {
    static func write(_ value: Opentelemetry_Proto_Common_V1_AnyValue, to writer: inout JSONWriter) {
        switch value.value {
        case .stringValue(let s): writer.string(s)
        case .boolValue(let b): writer.bool(b)
        case .intValue(let i): writer.int(i)
        case .doubleValue(let d): writer.double(d)
        case .bytesValue(let data): writer.string(data.base64EncodedString())
        case .arrayValue(let array):
            writer.beginArray()
            for element in array.values { write(element, to: &writer) }
            writer.endArray()
        case .kvlistValue(let list):
            writer.beginObject()
            var seen: Set<String> = []
            var entries: [(String, Opentelemetry_Proto_Common_V1_AnyValue)] = []
            // A Go map keeps the last value written for a repeated key.
            for kv in list.values.reversed() where seen.insert(kv.key).inserted { entries.append((kv.key, kv.value)) }
            for (key, element) in entries.sorted(by: { $0.0 < $1.0 }) {
                writer.key(key)
                write(element, to: &writer)
            }
            writer.endObject()
        case .stringValueStrindex, nil:
            writer.null()
        }
    }
}
