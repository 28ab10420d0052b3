import PivotWire

typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
typealias OTLPExemplar = Opentelemetry_Proto_Metrics_V1_Exemplar

extension OTLPTally {
    /// The tally of a request held in the generated swift-protobuf types (the oracle for the other variants).
    init(_ request: Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest) {
        self.init()
        for resourceMetrics in request.resourceMetrics {
            resources += 1
            visit(resourceMetrics.resource.attributes)
            for entity in resourceMetrics.resource.entityRefs {
                stringBytes += entity.type.utf8.count
            }
            for scopeMetrics in resourceMetrics.scopeMetrics {
                scopes += 1
                stringBytes += scopeMetrics.scope.name.utf8.count + scopeMetrics.scope.version.utf8.count
                visit(scopeMetrics.scope.attributes)
                for metric in scopeMetrics.metrics {
                    visit(metric)
                }
            }
        }
    }

    private mutating func visit(_ metric: Opentelemetry_Proto_Metrics_V1_Metric) {
        metrics += 1
        stringBytes += metric.name.utf8.count + metric.description_p.utf8.count + metric.unit.utf8.count
        visit(metric.metadata)
        switch metric.data {
        case .gauge(let gauge):
            for point in gauge.dataPoints { visit(point) }
        case .sum(let sum):
            for point in sum.dataPoints { visit(point) }
        case .histogram(let histogram):
            for point in histogram.dataPoints {
                points += 1
                visit(point.attributes)
                add(point.startTimeUnixNano)
                add(point.timeUnixNano)
                add(point.count)
                if point.hasSum { add(point.sum.bitPattern) }
                if point.hasMin { add(point.min.bitPattern) }
                if point.hasMax { add(point.max.bitPattern) }
                buckets += point.bucketCounts.count + point.explicitBounds.count
                for count in point.bucketCounts { bucketCountSum &+= count }
                visit(point.exemplars)
            }
        case .exponentialHistogram(let histogram):
            for point in histogram.dataPoints {
                points += 1
                visit(point.attributes)
                add(point.startTimeUnixNano)
                add(point.timeUnixNano)
                add(point.count)
                if point.hasSum { add(point.sum.bitPattern) }
                if point.hasMin { add(point.min.bitPattern) }
                if point.hasMax { add(point.max.bitPattern) }
                buckets += point.positive.bucketCounts.count + point.negative.bucketCounts.count
                for count in point.positive.bucketCounts { bucketCountSum &+= count }
                for count in point.negative.bucketCounts { bucketCountSum &+= count }
                visit(point.exemplars)
            }
        case .summary(let summary):
            for point in summary.dataPoints {
                points += 1
                visit(point.attributes)
                add(point.startTimeUnixNano)
                add(point.timeUnixNano)
                add(point.count)
                add(point.sum.bitPattern)
            }
        case nil:
            break
        }
    }

    private mutating func visit(_ point: Opentelemetry_Proto_Metrics_V1_NumberDataPoint) {
        points += 1
        visit(point.attributes)
        add(point.startTimeUnixNano)
        add(point.timeUnixNano)
        switch point.value {
        case .asDouble(let value): add(value.bitPattern)
        case .asInt(let value): add(UInt64(bitPattern: value))
        case nil: break
        }
        visit(point.exemplars)
    }

    private mutating func visit(_ list: [OTLPExemplar]) {
        for exemplar in list {
            exemplars += 1
            visit(exemplar.filteredAttributes)
            add(exemplar.timeUnixNano)
            switch exemplar.value {
            case .asDouble(let value): add(value.bitPattern)
            case .asInt(let value): add(UInt64(bitPattern: value))
            case nil: break
            }
            idBytes += exemplar.traceID.count + exemplar.spanID.count
        }
    }

    private mutating func visit(_ list: [OTLPKeyValue]) {
        for kv in list {
            attributes += 1
            stringBytes += kv.key.utf8.count
            if kv.hasValue { visit(kv.value) }
        }
    }

    private mutating func visit(_ value: OTLPAnyValue) {
        switch value.value {
        case .stringValue(let string): stringBytes += string.utf8.count
        case .bytesValue(let bytes): stringBytes += bytes.count
        case .arrayValue(let array): for element in array.values { visit(element) }
        case .kvlistValue(let list): visit(list.values)
        case .boolValue, .intValue, .doubleValue, .stringValueStrindex, nil: break
        }
    }
}
