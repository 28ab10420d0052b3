import PivotModel
import PivotRemoteWrite
import Testing

/// The same bytes fed whole, truncated at every position and corrupted at every position: the decoder
/// returns an error or a well-formed batch, never crashes and never reads past the end.
@Suite struct TruncationTests {
    static func bodies() -> [(RemoteWriteVersion, [UInt8])] {
        RemoteWriteVersion.allCases.flatMap { version in
            [(version, Fixtures.bytes(version)), (version, RemoteWriteEncoder().encode(richBatch(), version: version))]
        }
    }

    @Test func everyPrefixDecodesToAnErrorOrAShorterBatch() {
        // Each prefix of a valid body either fails cleanly or decodes to at most the whole body's series.
        let decoder = RemoteWriteDecoder()
        for (version, bytes) in Self.bodies() {
            let whole = try! decoder.decodeUncompressed(bytes, version: version)
            var failures = 0
            for length in 0..<bytes.count {
                do {
                    let decoded = try decoder.decodeUncompressed(Array(bytes[..<length]), version: version)
                    expectWellFormed(decoded.batch)
                    #expect(decoded.batch.series.count <= whole.batch.series.count)
                } catch {
                    failures += 1
                    #expect(!error.message.isEmpty)
                    #expect(error.code == .malformed)
                }
            }
            // Most cuts land inside a field, so most prefixes must fail.
            #expect(failures > bytes.count / 2, "\(version): \(failures) of \(bytes.count) prefixes failed")
        }
    }

    @Test func everySingleByteCorruptionIsHandled() {
        // Setting any one byte to 0x00, 0x7F, 0x80 or 0xFF never crashes and yields well-formed output.
        let decoder = RemoteWriteDecoder()
        for (version, bytes) in Self.bodies() {
            for position in bytes.indices {
                for replacement: UInt8 in [0x00, 0x7F, 0x80, 0xFF] {
                    var corrupted = bytes
                    corrupted[position] = replacement
                    if let decoded = try? decoder.decodeUncompressed(corrupted, version: version) {
                        expectWellFormed(decoded.batch)
                    }
                }
            }
        }
    }

    @Test func everyPrefixOfACompressedBodyFailsCleanly() {
        // A snappy body cut short at any byte is an error (snappy or malformed), never a crash.
        let decoder = RemoteWriteDecoder()
        for version in RemoteWriteVersion.allCases {
            let compressed = RemoteWriteEncoder().encodeCompressed(richBatch(), version: version)
            for length in 0..<compressed.count {
                #expect(throws: RemoteWriteDecodeError.self) {
                    _ = try decoder.decode(body: Array(compressed[..<length]), version: version)
                }
            }
        }
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        // Thousands of pseudo-random bodies (fixed seed) decode to errors or well-formed batches.
        var generator = SplitMix64(seed: 0x5EED)
        let decoder = RemoteWriteDecoder()
        for round in 0..<4000 {
            let length = Int(generator.next() % 96)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let version: RemoteWriteVersion = round % 2 == 0 ? .v1 : .v2
            if let decoded = try? decoder.decodeUncompressed(bytes, version: version) {
                expectWellFormed(decoded.batch)
            }
            _ = try? decoder.decode(body: bytes, version: version)
        }
    }
}

/// A small deterministic generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
