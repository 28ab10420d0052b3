import PivotModel
import PivotStorage

/// The CPU-heavy part of an append, done on the caller's task before the write queue: spans grouped
/// by trace with their chunks encoded and compressed, each trace's time range, resources and root
/// span, and the tag keys, tag values and operations the catalog did not know when the batch was
/// prepared (deduplicated within the batch).
struct PreparedBatch: Sendable {
    /// The spans of one trace in this batch.
    struct TraceGroup: Sendable {
        var traceID: [UInt8]
        /// Indexes into `SpanBatch.spans`, in slot order (a span id repeated in the batch only once).
        var spans: [Int] = []
        var chunk = SpanChunk.Prepared(format: SpanChunk.raw, payload: [], references: [])
        var start: UInt64
        var end: UInt64
        /// Set when the root span (no parent) is in this batch.
        var rootService: String?
        var rootName = ""
        /// The batch's resources (indices) its spans belong to.
        var resources: [Int] = []
    }

    var resourceHashes: [Int64]
    var resourceAttributes: [[UInt8]]
    var scopeHashes: [Int64]
    var groups: [TraceGroup]
    var tagKeys: [Catalog.TagKey]
    var tagValues: [Catalog.TagValue]
    var operations: [Catalog.Operation]
    /// Spans left out because the batch already had their trace and span id.
    var repeatedSpans = 0

    init(_ batch: SpanBatch, known: Catalog, options: TraceStoreOptions) {
        resourceHashes = batch.resources.map { ContentHash.hash($0.bytes, $0.schemaURL) }
        resourceAttributes = batch.resources.map { AttributeEncoding.encode($0.attributes) }
        scopeHashes = batch.scopes.map { ContentHash.hash($0.bytes, $0.schemaURL) }

        var groupIndex: [IDKey: Int] = [:]
        var groups: [TraceGroup] = []
        var operations: [UInt64: Catalog.Operation] = [:]
        var tags = TagCollector(known: known, options: options)
        var repeated = 0
        var seen = Set<SpanKey>()
        seen.reserveCapacity(batch.spans.count)
        for (index, span) in batch.spans.enumerated() {
            let service = batch.resources.indices.contains(span.resource) ? batch.resources[span.resource].serviceName : ""
            let end = max(span.endTimeUnixNano, span.startTimeUnixNano)
            let position: Int
            let traceKey = IDKey(span.traceID)
            if let existing = groupIndex[traceKey] {
                position = existing
            } else {
                position = groups.count
                groupIndex[traceKey] = position
                groups.append(TraceGroup(traceID: span.traceID, start: span.startTimeUnixNano, end: end))
            }
            guard seen.insert(SpanKey(group: position, spanID: IDKey(span.spanID))).inserted else {
                repeated += 1
                continue
            }
            groups[position].spans.append(index)
            groups[position].start = min(groups[position].start, span.startTimeUnixNano)
            groups[position].end = max(groups[position].end, end)
            if span.parentSpanID.isEmpty {
                groups[position].rootService = service
                groups[position].rootName = span.name
            }
            if !groups[position].resources.contains(span.resource) { groups[position].resources.append(span.resource) }
            let operationPrint = Catalog.Operation.fingerprint(service: service, name: span.name, kind: span.kind)
            if !known.operationFingerprints.contains(operationPrint), operations[operationPrint] == nil {
                operations[operationPrint] = Catalog.Operation(service: service, name: span.name, kind: span.kind)
            }
            tags.note(encoded: span.attributeBytes, scope: .span)
        }
        for (index, resource) in batch.resources.enumerated() where known.resourceID(for: resource, hash: resourceHashes[index]) == nil {
            tags.note(encoded: resourceAttributes[index], scope: .resource)
        }
        var scratch: [UInt8] = []
        for position in groups.indices {
            groups[position].chunk = SpanChunk.prepare(groups[position].spans.lazy.map { batch.spans[$0] }, scratch: &scratch)
        }
        self.groups = groups
        self.repeatedSpans = repeated
        self.operations = Array(operations.values)
        self.tagKeys = tags.keys
        self.tagValues = tags.values
    }
}

/// A trace or span id as a hash key: ids of up to 16 bytes as they are (zero-padded, with their
/// length), longer ones by fingerprint (the decoders reject those anyway).
struct IDKey: Hashable {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count: Int

    init(_ id: [UInt8]) {
        count = id.count
        id.withUnsafeBytes { bytes in
            if bytes.count > 16 {
                var mixer = TagFingerprint.Mixer(seed: 1)
                mixer.add(bytes: bytes)
                high = mixer.finish()
                mixer.add(2)
                low = mixer.finish()
                return
            }
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high |= UInt64(byte) << (8 * UInt64(index)) } else { low |= UInt64(byte) << (8 * UInt64(index - 8)) }
            }
        }
    }
}

/// A span within a batch: its trace (as the group's position) and span id.
private struct SpanKey: Hashable {
    var group: Int
    var spanID: IDKey
}

/// Collects the tag keys and listable values of a batch that the catalog does not know yet, testing
/// each attribute by fingerprint (`TagFingerprint`): one lookup for a key whose values are full, two
/// for the others.
struct TagCollector {
    let known: Catalog
    let options: TraceStoreOptions
    var keys: [Catalog.TagKey] = []
    var values: [Catalog.TagValue] = []
    private var newKeys: Set<UInt64> = []
    private var newValues: Set<UInt64> = []
    /// Per key fingerprint, values added here (the cap is applied again when committing).
    private var added: [UInt64: Int] = [:]

    init(known: Catalog, options: TraceStoreOptions) {
        self.known = known
        self.options = options
    }

    /// Notes each attribute of an `AttributeEncoding` (a span's or a resource's), read in place:
    /// strings are made only for keys and values not listed yet.
    mutating func note(encoded: [UInt8], scope: TraceAttributeScope) {
        let scopeNumber = Catalog.scopeNumber(scope)
        encoded.withUnsafeBytes { raw in
            AttributeEncoding.forEach(raw) { key, type, value in
                let keyPrint = TagFingerprint.key(scope: scopeNumber, bytes: key)
                let listed: Int
                if let count = known.keyFingerprints[keyPrint] {
                    listed = count
                } else {
                    if newKeys.insert(keyPrint).inserted {
                        keys.append(Catalog.TagKey(scope: scopeNumber, key: String(decoding: key, as: UTF8.self)))
                    }
                    listed = 0
                }
                guard listed < options.maxTagValuesPerKey, Catalog.isListable(type: type, value, maxLength: options.maxTagValueLength) else {
                    return
                }
                let valuePrint = TagFingerprint.value(key: keyPrint, type: type, bytes: value)
                guard !known.valueFingerprints.contains(valuePrint) else { return }
                let addedHere = added[keyPrint] ?? 0
                guard listed + addedHere < options.maxTagValuesPerKey, newValues.insert(valuePrint).inserted else { return }
                added[keyPrint] = addedHere + 1
                values.append(Catalog.TagValue(
                    key: String(decoding: key, as: UTF8.self), scope: scopeNumber, value: AttributeEncoding.decodeValue(type: type, value)))
            }
        }
    }
}

extension Catalog {
    /// Whether a value (as `AttributeEncoding` stores it) is listed as a tag value: scalars, except
    /// strings longer than `maxLength` UTF-8 bytes and NaN; not arrays, maps and bytes.
    static func isListable(type: UInt8, _ value: UnsafeRawBufferPointer, maxLength: Int) -> Bool {
        switch type {
        case AttributeEncoding.stringType: return value.count <= maxLength
        case AttributeEncoding.intType, AttributeEncoding.boolType: return true
        case AttributeEncoding.doubleType: return !Double(bitPattern: UInt64(littleEndian: value.loadUnaligned(as: UInt64.self))).isNaN
        default: return false
        }
    }

    /// The type code and text a tag value is stored as: 0 string, 1 int, 2 double, 3 bool.
    static func stored(_ value: SpanAttribute.Value) -> (type: Int, text: String) {
        switch value {
        case .string(let text): return (0, text)
        case .int(let number): return (1, String(number))
        case .double(let number): return (2, String(number))
        case .bool(let flag): return (3, flag ? "true" : "false")
        case .other(let text): return (4, text)
        }
    }

    static func storedValue(type: Int, text: String) -> SpanAttribute.Value {
        switch type {
        case 1: return Int64(text).map { .int($0) } ?? .string(text)
        case 2: return Double(text).map { .double($0) } ?? .string(text)
        case 3: return .bool(text == "true")
        case 4: return .other(text)
        default: return .string(text)
        }
    }
}
