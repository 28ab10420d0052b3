import PivotModel

/// Tempo's tag-name and tag-value responses.
public enum TempoTagResponse {
    /// The intrinsic tags this gateway answers (`GET /api/v2/search/tags`, scope `intrinsic`).
    public static let intrinsicTags = ["duration", "kind", "name", "status"]

    /// `GET /api/search/tags`: `{"tagNames":[...]}`.
    public static func tagNamesV1(_ names: [String]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("tagNames")
        writer.beginArray()
        for name in names { writer.string(name) }
        writer.endArray()
        writer.endObject()
        return writer.text
    }

    /// `GET /api/v2/search/tags`: `{"scopes":[{"name":"resource","tags":[...]},…]}`, one entry per
    /// given scope in order (Tempo's scopes are `resource`, `span`, `intrinsic`, …).
    public static func tagNamesV2(_ scopes: [(name: String, tags: [String])]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("scopes")
        writer.beginArray()
        for scope in scopes {
            writer.beginObject()
            writer.key("name")
            writer.string(scope.name)
            writer.key("tags")
            writer.beginArray()
            for tag in scope.tags { writer.string(tag) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.text
    }

    /// `GET /api/search/tag/<tag>/values`: `{"tagValues":["a","b"]}` (every value as text).
    public static func tagValuesV1(_ values: [SpanAttribute.Value]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("tagValues")
        writer.beginArray()
        for value in values { writer.string(typedText(value).text) }
        writer.endArray()
        writer.endObject()
        return writer.text
    }

    /// `GET /api/v2/search/tag/<tag>/values`: `{"tagValues":[{"type":"string","value":"x"},{"type":"int","value":"200"}]}`.
    /// Types are Tempo's: `string`, `int`, `float`, `bool`; the intrinsics `status` and `kind` have
    /// type `keyword` (pass `.keyword` as `kind`), `duration` values type `duration`.
    public static func tagValuesV2(_ values: [SpanAttribute.Value], kind: ValueKind = .typed) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("tagValues")
        writer.beginArray()
        for value in values {
            let (type, text) = typedText(value)
            writer.beginObject()
            writer.key("type")
            switch kind {
            case .typed: writer.string(type)
            case .keyword: writer.string("keyword")
            case .duration: writer.string("duration")
            }
            writer.key("value")
            writer.string(text)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.text
    }

    /// How the `type` of v2 tag values is chosen.
    public enum ValueKind: Sendable {
        /// From each value: `string`, `int`, `float`, `bool`.
        case typed
        /// Every value is a `keyword` (the `status` and `kind` intrinsics).
        case keyword
        /// Every value is a `duration`.
        case duration
    }

    static func typedText(_ value: SpanAttribute.Value) -> (type: String, text: String) {
        switch value {
        case .string(let s), .other(let s): ("string", s)
        case .int(let i): ("int", String(i))
        case .double(let d): ("float", d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)")
        case .bool(let b): ("bool", b ? "true" : "false")
        }
    }
}
