/// Spans as they arrived, ready for the trace store. Each span keeps its original protobuf bytes (the
/// serialized OTLP `Span` message), and each resource and scope the bytes of its `Resource` and
/// `InstrumentationScope` messages, so a trace read back is byte-for-byte what was sent; beside the
/// bytes sit the fields the store indexes and searches by.
public struct SpanBatch: Sendable {
    /// A `ResourceSpans`' resource: the serialized `Resource` message and the `ResourceSpans.schema_url`.
    public struct Resource: Sendable, Hashable {
        public var bytes: [UInt8]
        public var schemaURL: String
        /// The `service.name` attribute as a string ("" when absent).
        public var serviceName: String
        public var attributes: [SpanAttribute]

        public init(bytes: [UInt8], schemaURL: String = "", serviceName: String, attributes: [SpanAttribute]) {
            self.bytes = bytes
            self.schemaURL = schemaURL
            self.serviceName = serviceName
            self.attributes = attributes
        }
    }

    /// A `ScopeSpans`' scope: the serialized `InstrumentationScope` message and `ScopeSpans.schema_url`.
    public struct Scope: Sendable, Hashable {
        public var bytes: [UInt8]
        public var schemaURL: String
        public var name: String
        public var version: String

        public init(bytes: [UInt8], schemaURL: String = "", name: String = "", version: String = "") {
            self.bytes = bytes
            self.schemaURL = schemaURL
            self.name = name
            self.version = version
        }
    }

    /// One span: the indexed fields and the serialized `Span` message.
    public struct Span: Sendable, Hashable {
        /// 16 bytes.
        public var traceID: [UInt8]
        /// 8 bytes.
        public var spanID: [UInt8]
        /// 8 bytes, or empty for a root span.
        public var parentSpanID: [UInt8]
        public var name: String
        /// `Span.SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
        public var kind: Int32
        public var startTimeUnixNano: UInt64
        public var endTimeUnixNano: UInt64
        /// `Status.StatusCode`: 0 unset, 1 ok, 2 error.
        public var statusCode: Int32
        /// The span's attributes in `AttributeEncoding` (no bytes when there are none): the decoders
        /// write them so, and the trace store keeps them as they are.
        public var attributeBytes: [UInt8]
        /// Index into `SpanBatch.resources`.
        public var resource: Int
        /// Index into `SpanBatch.scopes`.
        public var scope: Int
        /// The serialized `Span` message as received.
        public var bytes: [UInt8]

        public init(
            traceID: [UInt8], spanID: [UInt8], parentSpanID: [UInt8] = [], name: String, kind: Int32 = 0,
            startTimeUnixNano: UInt64, endTimeUnixNano: UInt64, statusCode: Int32 = 0, attributes: [SpanAttribute] = [],
            resource: Int, scope: Int, bytes: [UInt8]
        ) {
            self.traceID = traceID
            self.spanID = spanID
            self.parentSpanID = parentSpanID
            self.name = name
            self.kind = kind
            self.startTimeUnixNano = startTimeUnixNano
            self.endTimeUnixNano = endTimeUnixNano
            self.statusCode = statusCode
            self.attributeBytes = AttributeEncoding.encode(attributes)
            self.resource = resource
            self.scope = scope
            self.bytes = bytes
        }

        /// The attributes, decoded from `attributeBytes` on each access (setting encodes them).
        public var attributes: [SpanAttribute] {
            get { AttributeEncoding.decode(attributeBytes) }
            set { attributeBytes = AttributeEncoding.encode(newValue) }
        }

        /// The value of the first attribute named `key`, read without decoding the others.
        public func attribute(_ key: String) -> SpanAttribute.Value? {
            attributeBytes.withUnsafeBytes { AttributeEncoding.value(forKey: key, in: $0) }
        }

        /// `end - start` in nanoseconds (0 when the end is before the start).
        public var durationNanos: UInt64 { endTimeUnixNano >= startTimeUnixNano ? endTimeUnixNano - startTimeUnixNano : 0 }
    }

    public var resources: [Resource]
    public var scopes: [Scope]
    public var spans: [Span]

    public init(resources: [Resource] = [], scopes: [Scope] = [], spans: [Span] = []) {
        self.resources = resources
        self.scopes = scopes
        self.spans = spans
    }

    public var isEmpty: Bool { spans.isEmpty }
}

/// A span or resource attribute as the trace store indexes it: scalar values keep their type (for
/// TraceQL comparisons); arrays, maps and bytes are indexed by a text form.
public struct SpanAttribute: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
        /// Arrays, key-value lists and bytes, as text (JSON, base64).
        case other(String)
    }

    public var key: String
    public var value: Value

    public init(key: String, value: Value) {
        self.key = key
        self.value = value
    }
}
