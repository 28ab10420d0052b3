import PivotModel

/// OTLP exemplars as Prometheus exemplars (spec: "Exemplar Conversion"): `trace_id` and `span_id` as
/// lower-case hex labels, then the filtered attributes as labels; the value as a float (ints converted)
/// and the time in milliseconds. When the label set would be longer than Prometheus's 128 characters,
/// the filtered attributes are dropped as a whole and the trace context is kept. An exemplar without
/// trace context keeps its attributes.
enum ExemplarConversion {
    static func exemplars(_ exemplars: [OTLPExemplar], names: LabelNames) -> [Exemplar] {
        guard !exemplars.isEmpty else { return [] }
        return exemplars.map { exemplar in
            var context: [Label] = []
            if !exemplar.traceID.isEmpty { context.append(Label(name: "trace_id", value: Hex.lowercase(exemplar.traceID))) }
            if !exemplar.spanID.isEmpty { context.append(Label(name: "span_id", value: Hex.lowercase(exemplar.spanID))) }
            var labels = context
            var length = context.reduce(0) { $0 + $1.name.unicodeScalars.count + $1.value.unicodeScalars.count }
            var attributes: [Label] = []
            for label in LabelBuilder.labels(from: exemplar.filteredAttributes, names: names)
            where label.name != "trace_id" && label.name != "span_id" {
                length += label.name.unicodeScalars.count + label.value.unicodeScalars.count
                attributes.append(label)
            }
            if length <= Exemplar.maxLabelSetLength { labels.append(contentsOf: attributes) }
            return Exemplar(labels: Labels(labels), value: exemplar.value.doubleValue, timestamp: milliseconds(exemplar.timeUnixNano))
        }
    }
}
