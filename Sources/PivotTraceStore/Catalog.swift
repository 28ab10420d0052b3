import PivotModel
import PivotSQLite
import PivotStorage

/// What the store keeps in memory beside the database: every resource and scope by id (spans refer
/// to them, searches need their attributes), and the tag keys, tag values and operations already
/// listed, so an append only writes what is new.
struct Catalog {
    struct TagKey: Hashable {
        /// `TraceAttributeScope` as stored: 0 resource, 1 span.
        var scope: Int
        var key: String
    }

    struct TagValue: Hashable {
        var key: String
        var scope: Int
        /// 0 string, 1 int, 2 double, 3 bool.
        var type: Int
        var value: String
    }

    struct Operation: Hashable {
        var service: String
        var name: String
        var kind: Int32
    }

    var resources: [Int64: SpanBatch.Resource] = [:]
    var resourcesByHash: [Int64: [Int64]] = [:]
    var scopes: [Int64: SpanBatch.Scope] = [:]
    var scopesByHash: [Int64: [Int64]] = [:]
    var tagKeys: Set<TagKey> = []
    var tagValues: Set<TagValue> = []
    var tagValueCounts: [TagKey: Int] = [:]
    var operations: Set<Operation> = []

    static func scopeNumber(_ scope: TraceAttributeScope) -> Int { scope == .resource ? 0 : 1 }

    static func load(from database: SQLiteDatabase, options: TraceStoreOptions) throws(SQLiteError) -> Catalog {
        var catalog = Catalog()
        let resources = try database.prepare("SELECT id, hash, bytes, schema_url, service, attrs FROM resources")
        while try resources.step() {
            let id = resources.int64(at: 0)
            let attributes = resources.withBlob(at: 5) { AttributeEncoding.decode($0) }
            catalog.resources[id] = SpanBatch.Resource(
                bytes: resources.blob(at: 2), schemaURL: resources.text(at: 3), serviceName: resources.text(at: 4),
                attributes: attributes)
            catalog.resourcesByHash[resources.int64(at: 1), default: []].append(id)
        }
        let scopes = try database.prepare("SELECT id, hash, bytes, schema_url, name, version FROM scopes")
        while try scopes.step() {
            let id = scopes.int64(at: 0)
            catalog.scopes[id] = SpanBatch.Scope(
                bytes: scopes.blob(at: 2), schemaURL: scopes.text(at: 3), name: scopes.text(at: 4), version: scopes.text(at: 5))
            catalog.scopesByHash[scopes.int64(at: 1), default: []].append(id)
        }
        let keys = try database.prepare("SELECT scope, key FROM tag_keys")
        while try keys.step() {
            catalog.tagKeys.insert(TagKey(scope: keys.int(at: 0), key: keys.text(at: 1)))
        }
        let values = try database.prepare("SELECT key, scope, type, value FROM tag_values")
        while try values.step() {
            let value = TagValue(key: values.text(at: 0), scope: values.int(at: 1), type: values.int(at: 2), value: values.text(at: 3))
            catalog.tagValues.insert(value)
            catalog.tagValueCounts[TagKey(scope: value.scope, key: value.key), default: 0] += 1
        }
        let operations = try database.prepare("SELECT service, name, kind FROM operations")
        while try operations.step() {
            catalog.operations.insert(Operation(
                service: operations.text(at: 0), name: operations.text(at: 1), kind: Int32(operations.int(at: 2))))
        }
        return catalog
    }

    /// A copy for an append to consult without holding the lock (copy-on-write: nothing is copied).
    func snapshotForAppend() -> Catalog { self }

    func resourceID(for resource: SpanBatch.Resource, hash: Int64) -> Int64? {
        resourcesByHash[hash]?.first { id in
            let known = resources[id]
            return known?.bytes == resource.bytes && known?.schemaURL == resource.schemaURL
        }
    }

    func scopeID(for scope: SpanBatch.Scope, hash: Int64) -> Int64? {
        scopesByHash[hash]?.first { id in
            let known = scopes[id]
            return known?.bytes == scope.bytes && known?.schemaURL == scope.schemaURL
        }
    }

    mutating func merge(_ added: CatalogAdditions) {
        for (id, hash, resource) in added.resources {
            resources[id] = resource
            resourcesByHash[hash, default: []].append(id)
        }
        for (id, hash, scope) in added.scopes {
            scopes[id] = scope
            scopesByHash[hash, default: []].append(id)
        }
        tagKeys.formUnion(added.tagKeys)
        for value in added.tagValues where tagValues.insert(value).inserted {
            tagValueCounts[TagKey(scope: value.scope, key: value.key), default: 0] += 1
        }
        operations.formUnion(added.operations)
    }
}

/// What one append adds to the catalog, kept apart until the transaction commits.
struct CatalogAdditions {
    var resources: [(Int64, Int64, SpanBatch.Resource)] = []
    var scopes: [(Int64, Int64, SpanBatch.Scope)] = []
    var tagKeys: Set<Catalog.TagKey> = []
    var tagValues: Set<Catalog.TagValue> = []
    var tagValueCounts: [Catalog.TagKey: Int] = [:]
    var operations: Set<Catalog.Operation> = []

    func resourceID(for resource: SpanBatch.Resource, hash: Int64) -> Int64? {
        resources.first { $0.1 == hash && $0.2.bytes == resource.bytes && $0.2.schemaURL == resource.schemaURL }?.0
    }

    func scopeID(for scope: SpanBatch.Scope, hash: Int64) -> Int64? {
        scopes.first { $0.1 == hash && $0.2.bytes == scope.bytes && $0.2.schemaURL == scope.schemaURL }?.0
    }

    mutating func noteOperation(service: String, name: String, kind: Int32, known: Catalog) {
        let operation = Catalog.Operation(service: service, name: name, kind: kind)
        if !known.operations.contains(operation) { operations.insert(operation) }
    }

    /// Records the attribute's key, and its value when it is a short scalar and the key has room.
    mutating func noteTag(scope: TraceAttributeScope, _ attribute: SpanAttribute, known: Catalog, options: TraceStoreOptions) {
        let key = Catalog.TagKey(scope: Catalog.scopeNumber(scope), key: attribute.key)
        if !known.tagKeys.contains(key) { tagKeys.insert(key) }
        let typed: (Int, String)?
        switch attribute.value {
        case .string(let text): typed = text.utf8.count <= options.maxTagValueLength ? (0, text) : nil
        case .int(let number): typed = (1, String(number))
        case .double(let number): typed = (2, String(number))
        case .bool(let flag): typed = (3, flag ? "true" : "false")
        case .other: typed = nil
        }
        guard let (type, text) = typed else { return }
        let value = Catalog.TagValue(key: attribute.key, scope: key.scope, type: type, value: text)
        guard !known.tagValues.contains(value), !tagValues.contains(value) else { return }
        let count = (known.tagValueCounts[key] ?? 0) + (tagValueCounts[key] ?? 0)
        guard count < options.maxTagValuesPerKey else { return }
        tagValues.insert(value)
        tagValueCounts[key, default: 0] += 1
    }
}
