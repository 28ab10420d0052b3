import PivotModel
import PivotWire

/// Jaeger processes of one trace: resources become processes `p1`, `p2`, … in order of first use;
/// resources that give the same service name and tags share one process.
struct ProcessTable {
    struct Process {
        var id: String
        var serviceName: String
        /// The encoded `tags` array.
        var tagsJSON: String
    }

    private(set) var ordered: [Process] = []
    private var byResource: [Int: String] = [:]
    private var byContent: [String: String] = [:]

    /// The process id for resource index `resource` (an out-of-range index is an empty resource).
    mutating func id(forResource resource: Int, in resources: [SpanBatch.Resource]) throws(TraceEncodingError) -> String {
        if let id = byResource[resource] { return id }
        let bytes = resources.indices.contains(resource) ? resources[resource].bytes : []
        let message = try JaegerConversion.decode(Opentelemetry_Proto_Resource_V1_Resource.self, bytes, what: "resource")
        var serviceName = message.attributes.isEmpty ? JaegerConversion.noServiceName : ""
        var writer = JSONWriter()
        writer.beginArray()
        for attribute in message.attributes {
            if attribute.key == "service.name" {
                serviceName = attribute.value.stringValue
                continue
            }
            JaegerConversion.writeTag(attribute, to: &writer)
        }
        writer.endArray()
        let contentKey = serviceName + "\u{0}" + writer.text
        if let id = byContent[contentKey] {
            byResource[resource] = id
            return id
        }
        let id = "p\(ordered.count + 1)"
        ordered.append(Process(id: id, serviceName: serviceName, tagsJSON: writer.text))
        byContent[contentKey] = id
        byResource[resource] = id
        return id
    }
}
