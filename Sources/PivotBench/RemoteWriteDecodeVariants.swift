import CPivotProtobufC
import Glibc
import PivotModel
import PivotRemoteWrite
import PivotWire
import SwiftProtobuf

/// The three ways of decoding a remote-write 1.0 request the benchmark compares. Each decodes the bytes and
/// walks its result into a `RemoteWriteTally`.
enum RemoteWriteDecodeVariants {
    /// swift-protobuf's generated `Prometheus_WriteRequest` (a `String` per label, an array per field).
    static func swiftProtobuf(_ bytes: [UInt8]) throws -> RemoteWriteTally {
        let request = try Prometheus_WriteRequest(serializedBytes: bytes)
        return RemoteWriteTally(request)
    }

    /// protobuf-c's generated `prometheus__write_request__unpack` (a C struct per message, NUL-terminated
    /// strings), walked from Swift, then freed.
    static func protobufC(_ bytes: [UInt8]) throws -> RemoteWriteTally {
        let unpacked = bytes.withUnsafeBufferPointer { prometheus__write_request__unpack(nil, $0.count, $0.baseAddress) }
        guard let request = unpacked else { throw BenchError("protobuf-c could not unpack the remote-write request") }
        defer { prometheus__write_request__free_unpacked(request, nil) }
        var tally = RemoteWriteTally()
        let timeseries = request.pointee.timeseries!
        for i in 0..<request.pointee.n_timeseries {
            let series = timeseries[i]!.pointee
            tally.series += 1
            tally.labels += series.n_labels
            tally.labelBytes += labelBytes(series.labels, count: series.n_labels)
            tally.samples += series.n_samples
            for j in 0..<series.n_samples {
                let sample = series.samples[j]!.pointee
                tally.addSample(timestamp: sample.timestamp, value: sample.value)
            }
            tally.exemplars += series.n_exemplars
            for j in 0..<series.n_exemplars {
                let exemplar = series.exemplars[j]!.pointee
                tally.exemplarLabels += exemplar.n_labels
                tally.labelBytes += labelBytes(exemplar.labels, count: exemplar.n_labels)
                tally.addSample(timestamp: exemplar.timestamp, value: exemplar.value)
            }
            tally.histograms += series.n_histograms
        }
        return tally
    }

    /// Pivot's hand-written decoder (`PivotRemoteWrite`) into the `WriteBatch` ingest model.
    static func handWritten(_ bytes: [UInt8], decoder: RemoteWriteDecoder) throws -> RemoteWriteTally {
        let decoded = try decoder.decodeUncompressed(bytes, version: .v1)
        return RemoteWriteTally(decoded.batch)
    }

    private static func labelBytes(_ labels: UnsafeMutablePointer<UnsafeMutablePointer<Prometheus__Label>?>?, count: Int) -> Int {
        var total = 0
        for k in 0..<count {
            let label = labels![k]!.pointee
            total += strlen(label.name) + strlen(label.value)
        }
        return total
    }
}
