import PivotModel
import PivotSQLite
import PivotStorage

/// What the store keeps in memory beside the database: every resource and scope by id (spans refer
/// to them, searches need their attributes), and the tag keys, tag values and operations already
/// listed, so an append only writes what is new.
struct Catalog {
    struct TagKey: Hashable, Sendable {
        /// `TraceAttributeScope` as stored: 0 resource, 1 span.
        var scope: Int
        var key: String

        var fingerprint: UInt64 { TagFingerprint.key(scope: scope, key) }
    }

    struct TagValue: Hashable, Sendable {
        var key: String
        var scope: Int
        var value: SpanAttribute.Value

        var fingerprint: UInt64 { TagFingerprint.value(scope: scope, key, value) }
    }

    struct Operation: Hashable, Sendable {
        var service: String
        var name: String
        var kind: Int32

        static func fingerprint(service: String, name: String, kind: Int32) -> UInt64 {
            var mixer = TagFingerprint.Mixer(seed: 0x6f70_73 ^ UInt64(UInt32(bitPattern: kind)))
            mixer.add(service)
            mixer.add(name)
            return mixer.finish()
        }

        var fingerprint: UInt64 { Self.fingerprint(service: service, name: name, kind: kind) }
    }

    var resources: [Int64: SpanBatch.Resource] = [:]
    var resourcesByHash: [Int64: [Int64]] = [:]
    var scopes: [Int64: SpanBatch.Scope] = [:]
    var scopesByHash: [Int64: [Int64]] = [:]
    /// Every tag key seen, with how many of its values are listed (at most `maxTagValuesPerKey`).
    var tagKeys: [TagKey: Int] = [:]
    var tagValues: Set<TagValue> = []
    /// `tagKeys` and `tagValues` by `TagFingerprint`, for the append path.
    var keyFingerprints: [UInt64: Int] = [:]
    var valueFingerprints: Set<UInt64> = []
    var operations: Set<Operation> = []
    /// `operations` by fingerprint, for the append path.
    var operationFingerprints: Set<UInt64> = []
    /// Service name → code (`services` table); a trace's service mask has bit `code % 63` set.
    var serviceCodes: [String: Int64] = [:]

    static func serviceBit(_ code: Int64) -> Int64 { 1 << (code % 63) }

    static func scopeNumber(_ scope: TraceAttributeScope) -> Int { scope == .resource ? 0 : 1 }

    static func load(from database: SQLiteDatabase) throws(SQLiteError) -> Catalog {
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
            catalog.tagKeys[TagKey(scope: keys.int(at: 0), key: keys.text(at: 1)), default: 0] += 0
        }
        let values = try database.prepare("SELECT key, scope, type, value FROM tag_values")
        while try values.step() {
            let value = TagValue(
                key: values.text(at: 0), scope: values.int(at: 1), value: Self.storedValue(type: values.int(at: 2), text: values.text(at: 3)))
            if catalog.tagValues.insert(value).inserted {
                catalog.tagKeys[TagKey(scope: value.scope, key: value.key), default: 0] += 1
            }
        }
        let operations = try database.prepare("SELECT service, name, kind FROM operations")
        while try operations.step() {
            catalog.operations.insert(Operation(
                service: operations.text(at: 0), name: operations.text(at: 1), kind: Int32(operations.int(at: 2))))
        }
        for (key, count) in catalog.tagKeys { catalog.keyFingerprints[key.fingerprint] = count }
        for value in catalog.tagValues { catalog.valueFingerprints.insert(value.fingerprint) }
        for operation in catalog.operations { catalog.operationFingerprints.insert(operation.fingerprint) }
        let services = try database.prepare("SELECT code, name FROM services")
        while try services.step() { catalog.serviceCodes[services.text(at: 1)] = services.int64(at: 0) }
        return catalog
    }

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

    /// Records what an append committed.
    mutating func merge(_ added: CatalogAdditions) {
        for (id, hash, resource) in added.resources {
            resources[id] = resource
            resourcesByHash[hash, default: []].append(id)
        }
        for (id, hash, scope) in added.scopes {
            scopes[id] = scope
            scopesByHash[hash, default: []].append(id)
        }
        for key in added.tagKeys where tagKeys[key] == nil {
            tagKeys[key] = 0
            keyFingerprints[key.fingerprint] = 0
        }
        for value in added.tagValues where tagValues.insert(value).inserted {
            let key = TagKey(scope: value.scope, key: value.key)
            tagKeys[key, default: 0] += 1
            keyFingerprints[key.fingerprint, default: 0] += 1
            valueFingerprints.insert(value.fingerprint)
        }
        operations.formUnion(added.operations)
        for operation in added.operations { operationFingerprints.insert(operation.fingerprint) }
        for (name, code) in added.serviceCodes { serviceCodes[name] = code }
    }
}

/// What one append added to the catalog, merged once its transaction commits.
struct CatalogAdditions {
    var resources: [(Int64, Int64, SpanBatch.Resource)] = []
    var scopes: [(Int64, Int64, SpanBatch.Scope)] = []
    var tagKeys: [Catalog.TagKey] = []
    var tagValues: [Catalog.TagValue] = []
    var operations: [Catalog.Operation] = []
    var serviceCodes: [String: Int64] = [:]

    func resourceID(for resource: SpanBatch.Resource, hash: Int64) -> Int64? {
        resources.first { $0.1 == hash && $0.2.bytes == resource.bytes && $0.2.schemaURL == resource.schemaURL }?.0
    }

    func scopeID(for scope: SpanBatch.Scope, hash: Int64) -> Int64? {
        scopes.first { $0.1 == hash && $0.2.bytes == scope.bytes && $0.2.schemaURL == scope.schemaURL }?.0
    }
}
