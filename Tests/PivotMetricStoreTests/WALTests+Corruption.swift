import Glibc
import Logging
import Testing

@testable import PivotMetricStore

/// Replay after torn writes, flipped bytes and missing files: never a refusal to start, never a
/// record lost before the damage.
struct WALCorruptionTests {
    /// Writes `sizes.count` records (record i has `sizes[i]` bytes) into segment 1 and returns them.
    static func writeSegment(_ directory: WALTestDirectory, sizes: [Int]) async throws -> [[UInt8]] {
        let wal = try WALTestSupport.open(directory)
        _ = try WALTestSupport.replayAll(wal)
        let records = sizes.enumerated().map { WALTestSupport.record(writer: 9, sequence: $0.offset, size: $0.element) }
        for record in records { try await wal.append(record: record) }
        await wal.close()
        return records
    }

    static func readFile(_ path: String) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        precondition(descriptor >= 0)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return bytes
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0)
        defer { close(descriptor) }
        precondition(bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
    }

    @Test func aTornLastRecordIsCutOffAtEveryByteOffset() async throws {
        // Truncating the last segment anywhere inside its last record replays all earlier records, cuts
        // the partial record off on disk, logs a warning and reports the bytes cut.
        let source = WALTestDirectory()
        defer { source.remove() }
        let records = try await Self.writeSegment(source, sizes: [10, 0, 33, 8, 21])
        let whole = Self.readFile(source.wal + "/00000001")
        let lastStart = whole.count - (9 + 21)
        for cut in lastStart..<whole.count {
            let directory = WALTestDirectory()
            defer { directory.remove() }
            mkdir(directory.wal, 0o755)
            Self.writeFile(directory.wal + "/00000001", Array(whole[..<cut]))
            let (logger, handler) = WALTestSupport.recordingLogger()
            let wal = try WALTestSupport.open(directory, logger: logger)
            let (replayed, report) = try WALTestSupport.replayAll(wal)
            #expect(replayed == Array(records.prefix(4)), "cut at \(cut)")
            #expect(report.records == 4)
            #expect(report.truncatedBytes == cut - lastStart, "cut at \(cut)")
            #expect(directory.size(of: "00000001") == lastStart)
            if cut > lastStart {
                #expect(report.corruptSegment == 1)
                #expect(report.message?.contains("segment 1 at offset \(lastStart)") == true, "\(report.message ?? "")")
                #expect(handler.warnings.contains { $0.metadata["droppedBytes"] == "\(cut - lastStart)" })
            } else {
                #expect(report.corruptSegment == nil && report.message == nil)
            }
            // The log goes on: a new record lands after the four.
            try await wal.append(record: [42])
            await wal.close()
            let (again, clean) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
            #expect(again == Array(records.prefix(4)) + [[42]])
            #expect(clean.corruptSegment == nil)
            #expect(!directory.files().contains { $0.hasSuffix(".corrupt") }, "a torn tail is not saved")
        }
    }

    @Test func aCorruptByteInTheMiddleOfTheLastSegmentCutsFromThere() async throws {
        // A flipped payload byte in record 5 of 10 replays records 0...4, truncates from record 5 and saves the cut bytes.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let records = try await Self.writeSegment(directory, sizes: Array(repeating: 20, count: 10))
        let recordSize = 9 + 20
        let fifthStart = 8 + 5 * recordSize
        directory.flipByte("00000001", at: fifthStart + 9 + 3)
        let (logger, handler) = WALTestSupport.recordingLogger()
        let wal = try WALTestSupport.open(directory, logger: logger)
        let (replayed, report) = try WALTestSupport.replayAll(wal)
        #expect(replayed == Array(records.prefix(5)))
        #expect(report.corruptSegment == 1)
        #expect(report.truncatedBytes == 5 * recordSize)
        #expect(report.message?.contains("checksum") == true)
        #expect(directory.size(of: "00000001") == fifthStart)
        #expect(directory.size(of: "00000001.corrupt") == 5 * recordSize)
        #expect(!handler.warnings.isEmpty)
        await wal.close()
    }

    @Test func aCorruptLengthOrTypeIsCaughtToo() async throws {
        // Damage to a record's length or type byte stops replay at that record, never later.
        for offsetInRecord in [0, 1, 3, 4, 5, 8] {
            let directory = WALTestDirectory()
            defer { directory.remove() }
            let records = try await Self.writeSegment(directory, sizes: Array(repeating: 20, count: 6))
            directory.flipByte("00000001", at: 8 + 2 * 29 + offsetInRecord)
            let wal = try WALTestSupport.open(directory)
            let (replayed, report) = try WALTestSupport.replayAll(wal)
            #expect(replayed == Array(records.prefix(2)), "byte \(offsetInRecord)")
            #expect(report.corruptSegment == 1)
            #expect(directory.size(of: "00000001") == 8 + 2 * 29)
            await wal.close()
        }
    }

    @Test func zeroBytesAtTheEndAreATornTail() async throws {
        // A tail of zero bytes (space allocated by a crash before the data landed) is cut off quietly as torn.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let records = try await Self.writeSegment(directory, sizes: [5, 6])
        let path = directory.wal + "/00000001"
        Self.writeFile(path, Self.readFile(path) + [UInt8](repeating: 0, count: 100))
        let (replayed, report) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(replayed == records)
        #expect(report.truncatedBytes == 100)
        #expect(report.message?.contains("zero bytes") == true)
        #expect(!directory.files().contains { $0.hasSuffix(".corrupt") })
    }

    @Test func aSegmentWithACutShortHeaderIsEmptied() async throws {
        // A last segment shorter than its header (a crash right after creating it) is truncated to nothing.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let records = try await Self.writeSegment(directory, sizes: [5])
        Self.writeFile(directory.wal + "/00000002", [0x50, 0x56, 0x57])
        let wal = try WALTestSupport.open(directory)
        let (replayed, report) = try WALTestSupport.replayAll(wal)
        #expect(replayed == records)
        #expect(report.truncatedBytes == 3 && report.corruptSegment == 2)
        #expect(directory.size(of: "00000002") == 0)
        try await wal.append(record: [1])
        #expect(wal.currentSegment == 3)
        await wal.close()
        #expect(try WALTestSupport.replayAll(try WALTestSupport.open(directory)).0 == records + [[1]])
    }

    /// Writes three segments of three records each; returns the records per segment.
    static func writeThreeSegments(_ directory: WALTestDirectory) async throws -> [[[UInt8]]] {
        let wal = try WALTestSupport.open(directory)
        _ = try WALTestSupport.replayAll(wal)
        var segments: [[[UInt8]]] = []
        for segment in 0..<3 {
            if segment > 0 { _ = try await wal.cut() }
            let records = (0..<3).map { WALTestSupport.record(writer: segment, sequence: $0, size: 16) }
            for record in records { try await wal.append(record: record) }
            segments.append(records)
        }
        await wal.close()
        return segments
    }

    @Test func corruptionInAnEarlierSegmentStopsReplayAndSetsLaterSegmentsAside() async throws {
        // A bad record inside segment 1 of 3: replay stops there, segments 2 and 3 become *.corrupt, the log goes on.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let segments = try await Self.writeThreeSegments(directory)
        directory.flipByte("00000001", at: 8 + 25 + 9 + 2)  // record 1's payload
        let (logger, handler) = WALTestSupport.recordingLogger()
        let wal = try WALTestSupport.open(directory, logger: logger)
        let (replayed, report) = try WALTestSupport.replayAll(wal)
        #expect(replayed == [segments[0][0]])
        #expect(report.corruptSegment == 1)
        #expect(report.setAsideSegments == [2, 3])
        #expect(report.segments == 1)
        #expect(report.message?.contains("set aside") == true)
        #expect(handler.warnings.count >= 2)
        #expect(directory.files() == ["00000001", "00000001.corrupt", "00000002.corrupt", "00000003.corrupt", "LOCK"])
        #expect(wal.segments == [1])
        try await wal.append(record: [7])
        #expect(wal.currentSegment == 2)
        await wal.close()
        let (again, clean) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(again == [segments[0][0], [7]])
        #expect(clean.corruptSegment == nil)
    }

    @Test func aMissingSegmentStopsReplayLikeCorruption() async throws {
        // With segment 2 of 3 gone, replay returns segment 1 and sets segment 3 aside.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let segments = try await Self.writeThreeSegments(directory)
        unlink(directory.wal + "/00000002")
        let (replayed, report) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(replayed == segments[0])
        #expect(report.setAsideSegments == [3])
        #expect(report.message?.contains("segment 2 is missing") == true)
    }

    @Test func aTornTailOfAnEarlierSegmentIsCutAndReplayGoesOn() async throws {
        // Segment 1 ending in a half record (a failed write) loses only that record; segments 2 and 3 replay.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let segments = try await Self.writeThreeSegments(directory)
        directory.truncate("00000001", to: 8 + 2 * 25 + 11)
        let (replayed, report) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(replayed == Array(segments[0].prefix(2)) + segments[1] + segments[2])
        #expect(report.corruptSegment == 1)
        #expect(report.truncatedBytes == 11)
        #expect(report.setAsideSegments.isEmpty)
    }

    @Test func appendingWithoutReplayStillCutsTheTornTailFirst() async throws {
        // A log appended to without replay repairs the last segment's torn tail, so no record is stranded.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let records = try await Self.writeSegment(directory, sizes: [10, 10, 10])
        directory.truncate("00000001", to: directory.size(of: "00000001") - 4)
        let wal = try WALTestSupport.open(directory)
        try await wal.append(record: [5])
        await wal.close()
        let (replayed, report) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(replayed == Array(records.prefix(2)) + [[5]])
        #expect(report.corruptSegment == nil)
    }

    @Test func anErrorFromTheReplayBodyStopsReplayAndAllowsAnotherTry() async throws {
        // The body's error is rethrown; the log can be replayed again from the start.
        struct Refused: Error {}
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let records = try await Self.writeSegment(directory, sizes: [3, 3, 3])
        let wal = try WALTestSupport.open(directory)
        var seen = 0
        #expect(throws: Refused.self) {
            _ = try wal.replay { _ in
                seen += 1
                if seen == 2 { throw Refused() }
            }
        }
        let (replayed, _) = try WALTestSupport.replayAll(wal)
        #expect(replayed == records)
        await wal.close()
    }
}
