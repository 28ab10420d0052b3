import PivotModel

/// Decodes remote-write 1.0 (`prometheus.WriteRequest`) and 2.0 (`io.prometheus.write.v2.Request`)
/// bodies straight into a `WriteBatch`, without a `String` per label: the decompressed body becomes the
/// batch's arena and labels are byte ranges into it.
///
/// The decoder checks structure and `RemoteWriteLimits`; label semantics (sorted, unique, `__name__`
/// present, valid UTF-8) are checked by the ingest path (`PivotIngest.SeriesLabelValidation`), for every protocol alike. Unknown fields are skipped
/// by wire type; a known field with the wrong wire type, a malformed varint, a length past the end, a
/// bad symbol reference or an odd `labels_refs` count throws `RemoteWriteDecodeError`. Packed and
/// unpacked repeated scalars are both accepted. Bad input never crashes and never makes the decoder
/// allocate by a length it declares.
public struct RemoteWriteDecoder: Sendable {
    public var limits: RemoteWriteLimits

    public init(limits: RemoteWriteLimits = .default) {
        self.limits = limits
    }

    /// Decodes a snappy-compressed (block format) body.
    public func decode(body: [UInt8], version: RemoteWriteVersion) throws(RemoteWriteDecodeError) -> DecodedWrite {
        if body.count > limits.maxCompressedBodyBytes {
            throw RemoteWriteDecodeError(
                .bodyTooLarge,
                "compressed body of \(body.count) bytes exceeds the limit maxCompressedBodyBytes "
                    + "(\(limits.maxCompressedBodyBytes))")
        }
        let bytes: [UInt8]
        do {
            bytes = try Snappy.decompress(body, maxDecompressedBytes: decompressedLimit)
        } catch {
            if error.code == .tooLarge {
                throw RemoteWriteDecodeError(
                    .bodyTooLarge, "\(error.message) (limit maxDecompressedBodyBytes)")
            }
            throw RemoteWriteDecodeError(.snappy, "cannot decompress body: \(error.message)")
        }
        return try decodeUncompressed(bytes, version: version)
    }

    /// Decodes an uncompressed protobuf body (used by tests and fuzzing, and by `decode(body:version:)`).
    public func decodeUncompressed(_ bytes: [UInt8], version: RemoteWriteVersion) throws(RemoteWriteDecodeError) -> DecodedWrite {
        if bytes.count > decompressedLimit {
            throw RemoteWriteDecodeError(
                .bodyTooLarge,
                "body of \(bytes.count) bytes exceeds the limit maxDecompressedBodyBytes (\(decompressedLimit))")
        }
        var result: Result<RequestDecoder.Output, RemoteWriteDecodeError>
        result = bytes.withUnsafeBytes { raw in
            var decoder = RequestDecoder(buffer: raw, limits: limits)
            do throws(RemoteWriteDecodeError) {
                switch version {
                case .v1: try decoder.decodeV1Request()
                case .v2: try decoder.decodeV2Request()
                }
                return .success(decoder.output)
            } catch {
                return .failure(error)
            }
        }
        let output = try result.get()
        var batch = WriteBatch(bytes: bytes)
        batch.labelRefs = output.labelRefs
        batch.series = output.series
        batch.samples = output.samples
        batch.histograms = output.histograms
        batch.exemplars = output.exemplars
        batch.metadata = output.metadata
        return DecodedWrite(
            batch: batch, version: version, exemplarsDropped: output.exemplarsDropped,
            sampleStartTimestamps: output.sampleStartTimestamps)
    }

    /// `ByteRange` offsets are 32-bit, so no body may exceed `UInt32.max` bytes whatever the limit says.
    private var decompressedLimit: Int { min(limits.maxDecompressedBodyBytes, Int(UInt32.max)) }
}
