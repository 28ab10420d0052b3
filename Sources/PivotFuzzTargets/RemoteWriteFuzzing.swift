import PivotModel
import PivotRemoteWrite

/// Remote-write bodies through `RemoteWriteDecoder.decode(body:version:)` with the default limits, the
/// call `POST /api/v1/write` makes. The input is tried twice: as the snappy-compressed body itself
/// (exercising the snappy checks) and as the protobuf payload, compressed here first (so mutations of
/// the protobuf reach the message decoder instead of breaking the compression).
enum RemoteWriteFuzzing {
    static func run(_ input: UnsafeRawBufferPointer, version: RemoteWriteVersion) {
        let bytes = Array(input)
        let decoder = RemoteWriteDecoder()
        decodeAndCheck(decoder, body: bytes, version: version)
        let compressed = Snappy.compress(bytes)
        FuzzInvariant.check(
            (try? Snappy.decompress(compressed, maxDecompressedBytes: bytes.count)) == bytes, "snappy round trip changed the bytes")
        decodeAndCheck(decoder, body: compressed, version: version)
    }

    private static func decodeAndCheck(_ decoder: RemoteWriteDecoder, body: [UInt8], version: RemoteWriteVersion) {
        guard let decoded = try? decoder.decode(body: body, version: version) else { return }
        FuzzInvariant.check(decoded.version == version, "decoded as \(decoded.version), asked for \(version)")
        FuzzInvariant.check(
            decoded.sampleStartTimestamps.isEmpty || decoded.sampleStartTimestamps.count == decoded.batch.samples.count,
            "\(decoded.sampleStartTimestamps.count) start timestamps for \(decoded.batch.samples.count) samples")
        WriteBatchInvariants.check(decoded.batch, source: "remote-write \(version)")
    }
}
