import PivotModel
import PivotRemoteWrite
import Testing

/// One decoded series with everything materialised, for comparing batches.
struct SeriesView: Equatable, CustomStringConvertible {
    var labels: [Label]
    var samples: [Sample]
    var histograms: [HistogramSample]
    var exemplars: [Exemplar]

    var description: String { "\(labels) \(samples) \(histograms.count)h \(exemplars)" }
}

struct MetadataView: Equatable {
    var name: String
    var metadata: MetricMetadata
}

extension WriteBatch {
    var seriesViews: [SeriesView] {
        series.map { s in
            SeriesView(
                labels: Array(labels(of: s)), samples: Array(samples[s.samples]),
                histograms: Array(histograms[s.histograms]), exemplars: exemplars[s.exemplars].map(exemplar))
        }
    }

    var metadataViews: [MetadataView] { metadata.map { MetadataView(name: $0.name, metadata: $0.metadata) } }

    /// Appends a series whose labels are raw byte pairs, kept in the given order (even if invalid).
    mutating func appendRaw(labels: [([UInt8], [UInt8])], samples newSamples: [Sample] = []) {
        let start = labelRefs.count
        for (name, value) in labels {
            labelRefs.append(LabelRef(name: appendBytes(name), value: appendBytes(value)))
        }
        let sampleStart = samples.count
        samples.append(contentsOf: newSamples)
        series.append(Series(
            labels: start..<labelRefs.count, samples: sampleStart..<samples.count,
            histograms: histograms.count..<histograms.count, exemplars: exemplars.count..<exemplars.count))
    }

    private mutating func appendBytes(_ value: [UInt8]) -> ByteRange {
        let offset = UInt32(bytes.count)
        bytes.append(contentsOf: value)
        return ByteRange(offset: offset, length: UInt32(value.count))
    }
}

/// Every range a decoded batch holds points inside its arrays; a decoder that returned a batch
/// breaking this would make readers crash later.
func expectWellFormed(_ batch: WriteBatch, sourceLocation: SourceLocation = #_sourceLocation) {
    for ref in batch.labelRefs {
        for range in [ref.name, ref.value] {
            #expect(Int(range.offset) + Int(range.length) <= batch.bytes.count, sourceLocation: sourceLocation)
        }
    }
    for series in batch.series {
        #expect(series.labels.upperBound <= batch.labelRefs.count, sourceLocation: sourceLocation)
        #expect(series.samples.upperBound <= batch.samples.count, sourceLocation: sourceLocation)
        #expect(series.histograms.upperBound <= batch.histograms.count, sourceLocation: sourceLocation)
        #expect(series.exemplars.upperBound <= batch.exemplars.count, sourceLocation: sourceLocation)
    }
    for exemplar in batch.exemplars {
        #expect(exemplar.labels.upperBound <= batch.labelRefs.count, sourceLocation: sourceLocation)
    }
}

/// Decodes an uncompressed body and returns the error it must fail with.
func decodeError(
    _ bytes: [UInt8], version: RemoteWriteVersion, limits: RemoteWriteLimits = .default
) -> RemoteWriteDecodeError? {
    do {
        _ = try RemoteWriteDecoder(limits: limits).decodeUncompressed(bytes, version: version)
        return nil
    } catch {
        return error
    }
}

func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A little-endian IEEE 754 double, as protobuf writes `double` fields.
func le(_ value: Double) -> [UInt8] { withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }

/// A batch with one of everything: float samples, both kinds of native histogram, exemplars, metadata.
func richBatch() -> WriteBatch {
    var batch = WriteBatch()
    batch.append(
        labels: Labels(["__name__": "http_requests_total", "job": "api", "instance": "10.0.0.1:9090"]),
        samples: [Sample(timestamp: 1_700_000_000_000, value: 42), Sample(timestamp: 1_700_000_015_000, value: 43.5)],
        exemplars: [
            Exemplar(
                labels: Labels(["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"]),
                value: 43.5, timestamp: 1_700_000_014_000),
            Exemplar(labels: .empty, value: -1, timestamp: -5),
        ])
    batch.append(
        labels: Labels(["__name__": "request_duration_seconds", "job": "api"]),
        histograms: [
            HistogramSample(
                timestamp: 1_700_000_000_000, schema: 3, sum: 12.5, zeroThreshold: 1e-128,
                counts: .integer(count: 10, zeroCount: 1, positiveDeltas: [2, -1, 3, 0], negativeDeltas: [1]),
                positiveSpans: [BucketSpan(offset: -2, length: 2), BucketSpan(offset: 3, length: 2)],
                negativeSpans: [BucketSpan(offset: 0, length: 1)], resetHint: .no, startTimestamp: 1_699_999_000_000),
            HistogramSample(
                timestamp: 1_700_000_015_000, schema: -53, sum: -0.25, zeroThreshold: 0,
                counts: .float(count: 7.5, zeroCount: 0, positiveCounts: [1.5, 6], negativeCounts: []),
                positiveSpans: [BucketSpan(offset: 0, length: 2)], negativeSpans: [], resetHint: .gauge,
                customValues: [0.1, 0.5, 1]),
        ],
        exemplars: [Exemplar(labels: Labels(["trace_id": "abc"]), value: 0.3, timestamp: 1_700_000_001_000)])
    batch.append(
        labels: Labels(["__name__": "temperature_celsius", "room": "küche ☕"]),
        samples: [Sample(timestamp: 0, value: -273.15)])
    batch.metadata = [
        (name: "http_requests_total", metadata: MetricMetadata(type: .counter, help: "Requests served.")),
        (name: "request_duration_seconds", metadata: MetricMetadata(type: .histogram, help: "Latency.", unit: "seconds")),
    ]
    return batch
}
