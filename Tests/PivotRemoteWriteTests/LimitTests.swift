import PivotModel
import PivotRemoteWrite
import Testing

@Suite struct LimitTests {
    static func batch(labels: KeyValuePairs<String, String>, samples: Int = 1) -> WriteBatch {
        var batch = WriteBatch()
        batch.append(
            labels: Labels(labels),
            samples: (0..<samples).map { Sample(timestamp: Int64($0), value: 1) })
        return batch
    }

    func failure(
        _ batch: WriteBatch, _ limits: RemoteWriteLimits, version: RemoteWriteVersion
    ) -> RemoteWriteDecodeError? {
        do {
            _ = try RemoteWriteDecoder(limits: limits).decode(
                body: RemoteWriteEncoder().encodeCompressed(batch, version: version), version: version)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        // The defaults match the doc comments of RemoteWriteLimits.
        let limits = RemoteWriteLimits.default
        #expect(limits.maxCompressedBodyBytes == 32 * 1024 * 1024)
        #expect(limits.maxDecompressedBodyBytes == 128 * 1024 * 1024)
        #expect(limits.maxSeriesPerRequest == 500_000)
        #expect(limits.maxSamplesPerRequest == 10_000_000)
        #expect(limits.maxHistogramsPerRequest == 1_000_000)
        #expect(limits.maxExemplarsPerRequest == 1_000_000)
        #expect(limits.maxMetadataPerRequest == 100_000)
        #expect(limits.maxLabelsPerSeries == 256)
        #expect(limits.maxLabelNameLength == 1024)
        #expect(limits.maxLabelValueLength == 4096)
        #expect(limits.maxExemplarLabelSetLength == 128)
        #expect(limits.maxExemplarLabelSetLength == Exemplar.maxLabelSetLength)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func aCompressedBodyOverTheLimitIsRefused(version: RemoteWriteVersion) {
        // A compressed body one byte over maxCompressedBodyBytes fails as too large, naming the limit.
        let body = RemoteWriteEncoder().encodeCompressed(richBatch(), version: version)
        var limits = RemoteWriteLimits()
        limits.maxCompressedBodyBytes = body.count
        #expect((try? RemoteWriteDecoder(limits: limits).decode(body: body, version: version)) != nil)
        limits.maxCompressedBodyBytes = body.count - 1
        let error = failure(richBatch(), limits, version: version)
        #expect(error?.code == .bodyTooLarge)
        #expect(error?.message.contains("maxCompressedBodyBytes") == true)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func aDecompressedBodyOverTheLimitIsRefused(version: RemoteWriteVersion) {
        // A body decompressing to one byte more than maxDecompressedBodyBytes fails, naming the limit.
        let raw = RemoteWriteEncoder().encode(richBatch(), version: version)
        var limits = RemoteWriteLimits()
        limits.maxDecompressedBodyBytes = raw.count
        #expect(failure(richBatch(), limits, version: version) == nil)
        limits.maxDecompressedBodyBytes = raw.count - 1
        let error = failure(richBatch(), limits, version: version)
        #expect(error?.code == .bodyTooLarge)
        #expect(error?.message.contains("maxDecompressedBodyBytes") == true)
        let direct = decodeError(raw, version: version, limits: limits)
        #expect(direct?.code == .bodyTooLarge)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func tooManySeriesAreRefused(version: RemoteWriteVersion) {
        // More series than maxSeriesPerRequest fail before any series is decoded.
        var limits = RemoteWriteLimits()
        limits.maxSeriesPerRequest = 2
        #expect(failure(richBatch(), limits, version: version)?.message
            == "request has more than 2 series, the limit maxSeriesPerRequest")
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func tooManyLabelsNameTheSeriesAsFarAsRead(version: RemoteWriteVersion) {
        // A series with more labels than allowed fails with its labels read so far and the limit's name.
        var limits = RemoteWriteLimits()
        limits.maxLabelsPerSeries = 2
        let batch = Self.batch(labels: ["__name__": "up", "instance": "a", "job": "b"])
        let error = failure(batch, limits, version: version)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message
            == "cannot read timeseries 0: series up{instance=\"a\"} has more than 2 labels, the limit maxLabelsPerSeries")
        limits.maxLabelsPerSeries = 3
        #expect(failure(batch, limits, version: version) == nil)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func aLongLabelNameIsRefused(version: RemoteWriteVersion) {
        // A label name longer than maxLabelNameLength bytes fails, naming the label, series and limit.
        var limits = RemoteWriteLimits()
        limits.maxLabelNameLength = 8
        #expect(failure(Self.batch(labels: ["__name__": "up", "abcdefgh": "x"]), limits, version: version) == nil)
        let error = failure(Self.batch(labels: ["__name__": "up", "abcdefghi": "x"]), limits, version: version)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message
            == "cannot read timeseries 0: label name \"abcdefghi\" of 9 bytes in series up exceeds the limit maxLabelNameLength (8)")
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func aLongLabelValueIsRefused(version: RemoteWriteVersion) {
        // A label value longer than maxLabelValueLength bytes fails, naming the label, series and limit.
        var limits = RemoteWriteLimits()
        limits.maxLabelValueLength = 4
        #expect(failure(Self.batch(labels: ["__name__": "up", "job": "abcd"]), limits, version: version) == nil)
        let error = failure(Self.batch(labels: ["__name__": "up", "job": "abcde"]), limits, version: version)
        #expect(error?.message
            == "cannot read timeseries 0: value of label \"job\" of 5 bytes in series up exceeds the limit maxLabelValueLength (4)")
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func tooManySamplesAreRefused(version: RemoteWriteVersion) {
        // More float samples than maxSamplesPerRequest fail, naming the limit and the series.
        var limits = RemoteWriteLimits()
        limits.maxSamplesPerRequest = 3
        #expect(failure(Self.batch(labels: ["__name__": "up"], samples: 3), limits, version: version) == nil)
        let error = failure(Self.batch(labels: ["__name__": "up"], samples: 4), limits, version: version)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message == "cannot read timeseries 0: request has more than 3 samples, the limit maxSamplesPerRequest (at series up)")
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func tooManyHistogramsAreRefused(version: RemoteWriteVersion) {
        // More native histogram samples than maxHistogramsPerRequest fail, naming the limit.
        var limits = RemoteWriteLimits()
        limits.maxHistogramsPerRequest = 1
        let error = failure(richBatch(), limits, version: version)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("the limit maxHistogramsPerRequest") == true)
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func exemplarsBeyondTheRequestLimitAreDroppedNotFailed(version: RemoteWriteVersion) throws {
        // Exemplars past maxExemplarsPerRequest are dropped and counted; the samples still decode.
        var limits = RemoteWriteLimits()
        limits.maxExemplarsPerRequest = 1
        let decoded = try RemoteWriteDecoder(limits: limits).decode(
            body: RemoteWriteEncoder().encodeCompressed(richBatch(), version: version), version: version)
        #expect(decoded.batch.exemplars.count == 1)
        #expect(decoded.exemplarsDropped == 2)
        #expect(decoded.batch.samples.count == 3)
        expectWellFormed(decoded.batch)
    }

    @Test func tooMuchMetadataIsRefused() {
        // More 1.0 metadata entries than maxMetadataPerRequest fail, naming the limit.
        var limits = RemoteWriteLimits()
        limits.maxMetadataPerRequest = 2
        #expect(failure(richBatch(), limits, version: .v1) == nil)
        var batch = richBatch()
        batch.metadata.append((name: "third", metadata: MetricMetadata(type: .gauge)))
        #expect(failure(batch, limits, version: .v1)?.message
            == "request has more than 2 metadata entries, the limit maxMetadataPerRequest")
    }
}
