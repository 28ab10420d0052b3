/// Readers for the messages of opentelemetry/proto/common/v1/common.proto in OTLP/JSON, shared by the
/// metrics decoder (and any other OTLP/JSON decoder).
enum OTLPJSONCommon {
    // message KeyValue { string key = 1; AnyValue value = 2; int32 key_strindex = 3; }
    static func attribute(_ json: JSONValue) throws(JSONFieldError) -> OTLPAttribute {
        var attribute = OTLPAttribute(key: "", value: .empty)
        for member in try json.members() where !member.value.isNull {
            switch member.key {
            case "key": attribute.key = try member.value.field("key", JSONRead.string)
            case "value": attribute.value = try member.value.field("value", anyValue)
            default: break
            }
        }
        return attribute
    }

    // message AnyValue {
    //   oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    //                 ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; ... }
    // }
    // message ArrayValue { repeated AnyValue values = 1; }
    // message KeyValueList { repeated KeyValue values = 1; }
    static func anyValue(_ json: JSONValue) throws(JSONFieldError) -> OTLPAnyValue {
        var result = OTLPAnyValue.empty
        for member in try json.members() where !member.value.isNull {
            let value = member.value
            switch member.key {
            case "stringValue", "string_value":
                result = .string(try value.field("stringValue", JSONRead.string))
            case "boolValue", "bool_value":
                result = .bool(try value.field("boolValue", JSONRead.bool))
            case "intValue", "int_value":
                result = .int(try value.field("intValue", JSONRead.int64))
            case "doubleValue", "double_value":
                result = .double(try value.field("doubleValue", JSONRead.double))
            case "bytesValue", "bytes_value":
                result = .bytes(try value.field("bytesValue", JSONRead.base64Bytes))
            case "arrayValue", "array_value":
                result = .array(try value.field("arrayValue") { (value) throws(JSONFieldError) in
                    try values(value, anyValue)
                })
            case "kvlistValue", "kvlist_value":
                result = .keyValueList(
                    try value.field("kvlistValue") { (value) throws(JSONFieldError) in try values(value, attribute) })
            default: break
            }
        }
        return result
    }

    /// The `values` list of an `ArrayValue` or `KeyValueList`.
    private static func values<T>(
        _ json: JSONValue, _ read: (JSONValue) throws(JSONFieldError) -> T
    ) throws(JSONFieldError) -> [T] {
        var result: [T] = []
        for member in try json.members() where !member.value.isNull && member.key == "values" {
            result = try member.value.list("values", read)
        }
        return result
    }
}
