import CPivotProtobufC
import Glibc
import PivotOTLP
import PivotWire
import SwiftProtobuf

/// The three ways of decoding an OTLP `ExportMetricsServiceRequest` the benchmark compares. Each decodes the
/// bytes and visits every field of its result into an `OTLPTally`.
enum OTLPDecodeVariants {
    /// swift-protobuf's generated types.
    static func swiftProtobuf(_ bytes: [UInt8]) throws -> OTLPTally {
        let request = try Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest(serializedBytes: bytes)
        return OTLPTally(request)
    }

    /// The zero-copy `OTLPWalker`.
    static func walker(_ bytes: [UInt8]) throws -> OTLPTally {
        try bytes.withUnsafeBytes { raw throws(OTLPDecodeError) in try OTLPWalker().walk(raw) }
    }

    /// protobuf-c's generated unpack, walked from Swift, then freed.
    static func protobufC(_ bytes: [UInt8]) throws -> OTLPTally {
        let unpacked = bytes.withUnsafeBufferPointer {
            opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(nil, $0.count, $0.baseAddress)
        }
        guard let request = unpacked else { throw BenchError("protobuf-c could not unpack the OTLP request") }
        defer { opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(request, nil) }
        var walk = CWalk()
        for i in 0..<request.pointee.n_resource_metrics {
            walk.resourceMetrics(request.pointee.resource_metrics[i]!.pointee)
        }
        return walk.tally
    }
}

private typealias CKeyValue = Opentelemetry__Proto__Common__V1__KeyValue
private typealias CAnyValue = Opentelemetry__Proto__Common__V1__AnyValue
private typealias CExemplar = Opentelemetry__Proto__Metrics__V1__Exemplar
private typealias CNumberDataPoint = Opentelemetry__Proto__Metrics__V1__NumberDataPoint

/// Visits a protobuf-c OTLP tree the way `OTLPTally.init(_:)` visits the swift-protobuf one. The C structs
/// do not track presence of proto3 `optional` fields (see proto/generate.sh): an absent one reads as 0.
private struct CWalk {
    var tally = OTLPTally()

    mutating func resourceMetrics(_ rm: Opentelemetry__Proto__Metrics__V1__ResourceMetrics) {
        tally.resources += 1
        if let resource = rm.resource?.pointee {
            keyValues(resource.attributes, resource.n_attributes)
            for i in 0..<resource.n_entity_refs {
                tally.stringBytes += strlen(resource.entity_refs[i]!.pointee.type)
            }
        }
        for i in 0..<rm.n_scope_metrics {
            let sm = rm.scope_metrics[i]!.pointee
            tally.scopes += 1
            if let scope = sm.scope?.pointee {
                tally.stringBytes += strlen(scope.name) + strlen(scope.version)
                keyValues(scope.attributes, scope.n_attributes)
            }
            for j in 0..<sm.n_metrics {
                metric(sm.metrics[j]!.pointee)
            }
        }
    }

    mutating func metric(_ m: Opentelemetry__Proto__Metrics__V1__Metric) {
        tally.metrics += 1
        tally.stringBytes += strlen(m.name) + strlen(m.description) + strlen(m.unit)
        keyValues(m.metadata, m.n_metadata)
        switch m.data_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
            let gauge = m.gauge.pointee
            for i in 0..<gauge.n_data_points { numberPoint(gauge.data_points[i]!.pointee) }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
            let sum = m.sum.pointee
            for i in 0..<sum.n_data_points { numberPoint(sum.data_points[i]!.pointee) }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
            let histogram = m.histogram.pointee
            for i in 0..<histogram.n_data_points {
                let point = histogram.data_points[i]!.pointee
                tally.points += 1
                keyValues(point.attributes, point.n_attributes)
                tally.add(point.start_time_unix_nano)
                tally.add(point.time_unix_nano)
                tally.add(point.count)
                tally.add(point.sum.bitPattern)
                tally.add(point.min.bitPattern)
                tally.add(point.max.bitPattern)
                tally.buckets += point.n_bucket_counts + point.n_explicit_bounds
                for k in 0..<point.n_bucket_counts { tally.bucketCountSum &+= point.bucket_counts[k] }
                exemplars(point.exemplars, point.n_exemplars)
            }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
            let histogram = m.exponential_histogram.pointee
            for i in 0..<histogram.n_data_points {
                let point = histogram.data_points[i]!.pointee
                tally.points += 1
                keyValues(point.attributes, point.n_attributes)
                tally.add(point.start_time_unix_nano)
                tally.add(point.time_unix_nano)
                tally.add(point.count)
                tally.add(point.sum.bitPattern)
                tally.add(point.min.bitPattern)
                tally.add(point.max.bitPattern)
                for buckets in [point.positive, point.negative] {
                    guard let b = buckets?.pointee else { continue }
                    tally.buckets += b.n_bucket_counts
                    for k in 0..<b.n_bucket_counts { tally.bucketCountSum &+= b.bucket_counts[k] }
                }
                exemplars(point.exemplars, point.n_exemplars)
            }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUMMARY:
            let summary = m.summary.pointee
            for i in 0..<summary.n_data_points {
                let point = summary.data_points[i]!.pointee
                tally.points += 1
                keyValues(point.attributes, point.n_attributes)
                tally.add(point.start_time_unix_nano)
                tally.add(point.time_unix_nano)
                tally.add(point.count)
                tally.add(point.sum.bitPattern)
            }
        default:
            break
        }
    }

    mutating func numberPoint(_ point: CNumberDataPoint) {
        tally.points += 1
        keyValues(point.attributes, point.n_attributes)
        tally.add(point.start_time_unix_nano)
        tally.add(point.time_unix_nano)
        switch point.value_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE: tally.add(point.as_double.bitPattern)
        case OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT: tally.add(UInt64(bitPattern: point.as_int))
        default: break
        }
        exemplars(point.exemplars, point.n_exemplars)
    }

    mutating func exemplars(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CExemplar>?>?, _ count: Int) {
        for i in 0..<count {
            let exemplar = list![i]!.pointee
            tally.exemplars += 1
            keyValues(exemplar.filtered_attributes, exemplar.n_filtered_attributes)
            tally.add(exemplar.time_unix_nano)
            switch exemplar.value_case {
            case OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE: tally.add(exemplar.as_double.bitPattern)
            case OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_INT: tally.add(UInt64(bitPattern: exemplar.as_int))
            default: break
            }
            tally.idBytes += exemplar.trace_id.len + exemplar.span_id.len
        }
    }

    mutating func keyValues(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CKeyValue>?>?, _ count: Int) {
        for i in 0..<count {
            let kv = list![i]!.pointee
            tally.attributes += 1
            tally.stringBytes += strlen(kv.key)
            if let value = kv.value { anyValue(value.pointee) }
        }
    }

    mutating func anyValue(_ value: CAnyValue) {
        switch value.value_case {
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
            tally.stringBytes += strlen(value.string_value)
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE:
            tally.stringBytes += value.bytes_value.len
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE:
            let array = value.array_value.pointee
            for i in 0..<array.n_values { anyValue(array.values[i]!.pointee) }
        case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE:
            let list = value.kvlist_value.pointee
            keyValues(list.values, list.n_values)
        default:
            break
        }
    }
}
