import PivotModel
import PivotRemoteWrite
import Testing

@Suite struct MalformedInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var version: RemoteWriteVersion
        var bytes: [UInt8]
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "varint longer than ten bytes", version: .v1,
             bytes: [0x0A] + [UInt8](repeating: 0x80, count: 10) + [0x01],
             message: "varint at byte 1 is longer than 10 bytes"),
        Case(name: "ten-byte varint overflowing 64 bits", version: .v1,
             bytes: [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x02],
             message: "overflows 64 bits"),
        Case(name: "truncated varint", version: .v1, bytes: [0x0A, 0x80],
             message: "varint at byte 1 is truncated"),
        Case(name: "truncated tag", version: .v2, bytes: [0xA2], message: "varint at byte 0 is truncated"),
        Case(name: "field number zero", version: .v1, bytes: [0x00, 0x01], message: "invalid field tag 0"),
        Case(name: "wire type 7", version: .v1, bytes: [0x0F], message: "wire type 7"),
        Case(name: "group wire type on an unknown field", version: .v1, bytes: [0x4B],
             message: "field 9 uses unsupported wire type 3 (start group)"),
        Case(name: "timeseries sent as a varint", version: .v1, bytes: [0x08, 0x01],
             message: "field timeseries (1) has wire type 0 (varint), expected 2 (length-delimited)"),
        Case(name: "sample value sent as a varint", version: .v1, bytes: [0x0A, 0x04, 0x12, 0x02, 0x08, 0x01],
             message: "cannot read timeseries 0: cannot read sample 0: field value (1) has wire type 0 (varint)"),
        Case(name: "label name longer than the label", version: .v1,
             bytes: [0x0A, 0x06, 0x0A, 0x04, 0x0A, 0x08, 0x61, 0x62],
             message: "cannot read timeseries 0: cannot read label 0: length 8 at byte 5 exceeds the 2 bytes left"),
        Case(name: "declared length 2^31 in a 20-byte message", version: .v1,
             bytes: [0x0A, 0x80, 0x80, 0x80, 0x80, 0x08] + [UInt8](repeating: 0, count: 14),
             message: "length 2147483648 at byte 1 exceeds the 14 bytes left"),
        Case(name: "declared length 2^63 in a symbol", version: .v2,
             bytes: [0x22] + [UInt8](repeating: 0x80, count: 9) + [0x01, 0x00],
             message: "length 9223372036854775808 at byte 1 exceeds the 1 bytes left"),
        Case(name: "truncated double", version: .v1, bytes: [0x0A, 0x05, 0x12, 0x03, 0x09, 0x00, 0x00],
             message: "64-bit value at byte 5 needs 8 bytes, 2 left"),
        Case(name: "packed doubles not a multiple of eight bytes", version: .v1,
             bytes: [0x0A, 0x07, 0x22, 0x05, 0x6A, 0x03, 0x00, 0x00, 0x00],
             message: "cannot read histogram 0: packed field positive_counts (13) at byte 5 has 3 bytes"),
        Case(name: "odd number of labels_refs", version: .v2,
             bytes: [0x22, 0x00, 0x22, 0x01, 0x61, 0x2A, 0x03, 0x0A, 0x01, 0x01],
             message: "labels_refs has an odd number of references: name \"a\" has no value"),
        Case(name: "symbol reference out of range", version: .v2,
             bytes: [0x22, 0x00, 0x22, 0x01, 0x61, 0x2A, 0x04, 0x0A, 0x02, 0x01, 0x09],
             message: "cannot read label 0: symbol reference 9 at byte 10 is out of range (2 symbols)"),
        Case(name: "reference without any symbols", version: .v2, bytes: [0x2A, 0x04, 0x0A, 0x02, 0x00, 0x00],
             message: "symbol reference 0 at byte 4 is out of range (0 symbols)"),
        Case(name: "first symbol not empty", version: .v2, bytes: [0x22, 0x01, 0x78],
             message: "symbols[0] must be the empty string, got \"x\""),
        Case(name: "metadata help_ref out of range", version: .v2,
             bytes: [0x22, 0x00, 0x2A, 0x04, 0x2A, 0x02, 0x18, 0x05],
             message: "cannot read timeseries 0: cannot read metadata: symbol reference 5"),
        Case(name: "odd exemplar labels_refs", version: .v2,
             bytes: [0x22, 0x00, 0x2A, 0x05, 0x22, 0x03, 0x0A, 0x01, 0x00],
             message: "cannot read exemplar: labels_refs has an odd number of references"),
        Case(name: "bucket span with the wrong wire type", version: .v1,
             bytes: [0x0A, 0x06, 0x22, 0x04, 0x42, 0x02, 0x09, 0x00],
             message: "cannot read histogram 0: cannot read negative_spans: "),
    ]

    @Test(arguments: cases)
    func malformedBytesFailWithAMessageSayingWhatCouldNotBeRead(_ c: Case) {
        // Each malformation is reported as a malformed-body error naming what was being read and where.
        let error = decodeError(c.bytes, version: c.version)
        #expect(error?.code == .malformed)
        #expect(error?.message.contains(c.message) == true, "\(error?.message ?? "no error")")
        #expect(error?.offset != nil)
    }

    @Test func garbageIsNotSnappy() {
        // A body that is not snappy block format is a snappy error, not a crash.
        #expect(throws: RemoteWriteDecodeError.self) {
            _ = try RemoteWriteDecoder().decode(body: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], version: .v1)
        }
        do {
            _ = try RemoteWriteDecoder().decode(body: [0x05, 0x00, 0x01], version: .v1)
            Issue.record("corrupt snappy decoded")
        } catch {
            #expect(error.code == .snappy)
            #expect(error.message.hasPrefix("cannot decompress body: snappy"))
        }
    }

    @Test func aSnappyHeaderClaimingFourGigabytesIsRefusedBeforeAllocating() {
        // A 10-byte body declaring 4 GB of output fails on the limit, naming it, without allocating.
        let body: [UInt8] = [0x80, 0xD0, 0xAC, 0xF3, 0x0E, 0x00, 0x61, 0x62, 0x63, 0x64]  // 4,000,000,000
        do {
            _ = try RemoteWriteDecoder().decode(body: body, version: .v1)
            Issue.record("decoded")
        } catch {
            #expect(error.code == .bodyTooLarge)
            #expect(error.message.contains("4000000000"))
            #expect(error.message.contains("maxDecompressedBodyBytes"))
        }
    }

    @Test func aSnappyHeaderClaimingMoreThanTheBodyCanHoldIsCorrupt() {
        // Even without a limit, a header declaring more than 22 bytes per compressed byte is corrupt.
        let body: [UInt8] = [0x80, 0xD0, 0xAC, 0xF3, 0x0E, 0x00, 0x61, 0x62, 0x63, 0x64]  // 4,000,000,000
        #expect(throws: SnappyError(.corrupt, "snappy: block of 10 bytes cannot expand to the 4000000000 bytes its header declares")) {
            _ = try Snappy.decompress(body, maxDecompressedBytes: .max)
        }
    }

    @Test func aSmallBodyDeclaringALargeOutputIsValidatedFirst() {
        // A corrupt 100 KB body declaring 2 MB is rejected by validation, before the 2 MB are allocated.
        var body: [UInt8] = [0x80, 0x80, 0x80, 0x01]        // 2 MiB
        body += [UInt8](repeating: 0xFE, count: 100_000)     // copy elements pointing before the start
        #expect(throws: SnappyError(.corrupt, "snappy: corrupt block")) {
            _ = try Snappy.decompress(body, maxDecompressedBytes: 4 << 20)
        }
    }

    @Test func aSnappyHeaderThatIsNotAVarint32IsCorrupt() {
        // A length header longer than five bytes or above 32 bits is reported as an unreadable header.
        #expect(throws: SnappyError(.corrupt, "snappy: cannot read the uncompressed length in the block header")) {
            _ = try Snappy.decompress([0x80, 0x80, 0x80, 0x80, 0x10, 0x00], maxDecompressedBytes: .max)
        }
    }

    @Test(arguments: RemoteWriteVersion.allCases)
    func unknownFieldsOfEveryWireTypeAreSkipped(version: RemoteWriteVersion) throws {
        // Fields the schema does not know (varint, 64-bit, length-delimited, 32-bit) are skipped by wire type.
        let unknown: [UInt8] = [0xF8, 0x07, 0x01, 0xF9, 0x07] + le(1) + [0xFA, 0x07, 0x01, 0x00, 0xFD, 0x07, 0, 0, 0, 0]
        let decoded = try RemoteWriteDecoder().decodeUncompressed(unknown + Fixtures.bytes(version) + unknown, version: version)
        #expect(decoded.batch.seriesViews == Fixtures.expectedSeries)
    }
}
