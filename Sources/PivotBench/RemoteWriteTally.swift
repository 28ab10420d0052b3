import PivotModel
import PivotWire

/// What one decode of a remote-write request saw. Every decoder variant computes it from its own output by
/// touching every label and sample, and all of them must agree with the fixture's tally.
struct RemoteWriteTally: Equatable, CustomStringConvertible {
    var series = 0
    var labels = 0
    /// Bytes of all label names and values, series and exemplar labels alike.
    var labelBytes = 0
    var samples = 0
    /// Wrapping sum of the sample timestamps (milliseconds) and of the value bit patterns.
    var sampleChecksum: UInt64 = 0
    var exemplars = 0
    var exemplarLabels = 0
    var histograms = 0

    init() {}

    /// The tally of a request built with the generated swift-protobuf types.
    init(_ request: Prometheus_WriteRequest) {
        series = request.timeseries.count
        for series in request.timeseries {
            labels += series.labels.count
            for label in series.labels {
                labelBytes += label.name.utf8.count + label.value.utf8.count
            }
            samples += series.samples.count
            for sample in series.samples {
                addSample(timestamp: sample.timestamp, value: sample.value)
            }
            exemplars += series.exemplars.count
            for exemplar in series.exemplars {
                exemplarLabels += exemplar.labels.count
                for label in exemplar.labels {
                    labelBytes += label.name.utf8.count + label.value.utf8.count
                }
                addSample(timestamp: exemplar.timestamp, value: exemplar.value)
            }
            histograms += series.histograms.count
        }
    }

    /// The tally of a decoded `WriteBatch`.
    init(_ batch: WriteBatch) {
        series = batch.series.count
        for series in batch.series {
            labels += series.labels.count
            for ref in batch.labelRefs[series.labels] {
                labelBytes += Int(ref.name.length) + Int(ref.value.length)
            }
        }
        samples = batch.samples.count
        for sample in batch.samples {
            addSample(timestamp: sample.timestamp, value: sample.value)
        }
        exemplars = batch.exemplars.count
        for exemplar in batch.exemplars {
            exemplarLabels += exemplar.labels.count
            for ref in batch.labelRefs[exemplar.labels] {
                labelBytes += Int(ref.name.length) + Int(ref.value.length)
            }
            addSample(timestamp: exemplar.timestamp, value: exemplar.value)
        }
        histograms = batch.histograms.count
    }

    mutating func addSample(timestamp: Int64, value: Double) {
        sampleChecksum = sampleChecksum &+ UInt64(bitPattern: timestamp) &+ value.bitPattern
    }

    var description: String {
        "series=\(series) labels=\(labels) labelBytes=\(labelBytes) samples=\(samples) exemplars=\(exemplars) "
            + "exemplarLabels=\(exemplarLabels) histograms=\(histograms) checksum=\(sampleChecksum)"
    }
}
