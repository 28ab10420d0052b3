/// A `KeyValue`: an attribute of a resource, scope, data point or exemplar.
public struct OTLPAttribute: Hashable, Sendable {
    public var key: String
    public var value: OTLPAnyValue

    public init(key: String, value: OTLPAnyValue) {
        self.key = key
        self.value = value
    }

    public init(_ key: String, _ value: String) {
        self.init(key: key, value: .string(value))
    }
}

/// `AnyValue`. `empty` is an `AnyValue` with no member set.
public enum OTLPAnyValue: Hashable, Sendable {
    case empty
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([OTLPAnyValue])
    case keyValueList([OTLPAttribute])
}
