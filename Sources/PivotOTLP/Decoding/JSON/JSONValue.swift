/// A parsed JSON value (RFC 8259) with the byte offset where it starts in the parsed body.
///
/// Objects keep their members in source order, duplicates included (readers take the last one);
/// numbers keep enough of their source to give 64-bit integers exactly (`JSONNumber`).
/// Produced by `JSONParser`.
public struct JSONValue: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case null
        case bool(Bool)
        case number(JSONNumber)
        case string(String)
        case array([JSONValue])
        case object([JSONMember])
    }

    public var kind: Kind
    /// Byte offset of the value's first byte in the parsed body.
    public var offset: Int

    public init(_ kind: Kind, offset: Int = 0) {
        self.kind = kind
        self.offset = offset
    }

    public var isNull: Bool {
        if case .null = kind { return true }
        return false
    }

    /// The members of an object, or nil for any other kind.
    public var objectMembers: [JSONMember]? {
        if case .object(let members) = kind { return members }
        return nil
    }

    /// The elements of an array, or nil for any other kind.
    public var arrayElements: [JSONValue]? {
        if case .array(let elements) = kind { return elements }
        return nil
    }

    /// The last member named `key` of an object; nil when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? {
        guard let members = objectMembers else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// What kind of value this is, for error messages ("an object", "a string", …).
    public var kindDescription: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
