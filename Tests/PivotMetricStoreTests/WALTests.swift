import Glibc
import Logging
import Synchronization
import Testing

@testable import PivotMetricStore

/// A fresh directory under /tmp, removed with everything in it by `remove()`.
struct WALTestDirectory {
    let path: String

    init() {
        var template = Array("/tmp/pivot-wal-XXXXXX".utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The WAL's own directory inside this one (created by the log).
    var wal: String { path + "/wal" }

    func files(in directory: String? = nil) -> [String] {
        guard let handle = opendir(directory ?? wal) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func remove() {
        for name in files() { unlink(wal + "/" + name) }
        rmdir(wal)
        rmdir(path)
    }

    func size(of name: String) -> Int {
        var info = stat()
        return stat(wal + "/" + name, &info) == 0 ? Int(info.st_size) : -1
    }

    func truncate(_ name: String, to size: Int) {
        precondition(Glibc.truncate(wal + "/" + name, off_t(size)) == 0)
    }

    func flipByte(_ name: String, at offset: Int) {
        let descriptor = open(wal + "/" + name, O_RDWR)
        precondition(descriptor >= 0)
        defer { close(descriptor) }
        var byte: UInt8 = 0
        precondition(pread(descriptor, &byte, 1, off_t(offset)) == 1)
        byte ^= 0x5a
        precondition(pwrite(descriptor, &byte, 1, off_t(offset)) == 1)
    }
}

/// Keeps every log message, so tests can check what was logged at which level.
final class WALTestLogHandler: LogHandler, @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    let entries = Mutex<[Entry]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var flat: [String: String] = [:]
        for (key, value) in event.metadata ?? [:] { flat[key] = "\(value)" }
        let entry = Entry(level: event.level, message: "\(event.message)", metadata: flat)
        entries.withLock { $0.append(entry) }
    }

    var warnings: [Entry] { entries.withLock { $0.filter { $0.level >= .warning } } }
}

enum WALTestSupport {
    static let quietLogger = Logger(label: "wal-test") { _ in SwiftLogNoOpLogHandler() }

    static func recordingLogger() -> (Logger, WALTestLogHandler) {
        let handler = WALTestLogHandler()
        return (Logger(label: "wal-test") { _ in handler }, handler)
    }

    /// A record whose bytes say who wrote it: `writer` and `sequence` then filler.
    static func record(writer: Int, sequence: Int, size: Int = 24) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt32(writer).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(sequence).littleEndian) { bytes += $0 }
        while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: writer &* 31 &+ sequence &+ bytes.count)) }
        return bytes
    }

    static func decode(_ record: [UInt8]) -> (writer: Int, sequence: Int) {
        let writer = record.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self))) }
        let sequence = record.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self))) }
        return (writer, sequence)
    }

    static func open(_ directory: WALTestDirectory, options: WALOptions = .init(sync: .never),
                     logger: Logger = quietLogger) throws -> WriteAheadLog {
        try WriteAheadLog(directory: directory.wal, options: options, logger: logger)
    }

    static func replayAll(_ wal: WriteAheadLog) throws -> ([[UInt8]], WALReplayReport) {
        var records: [[UInt8]] = []
        let report = try wal.replay { records.append(Array($0)) }
        return (records, report)
    }
}

struct WALTests {
    @Test func crc32cMatchesTheKnownCheckValueAndComposes() {
        // CRC-32C of "123456789" is 0xE3069283, and checksumming in pieces equals checksumming whole.
        let text = Array("123456789".utf8)
        #expect(CRC32C.checksum(text) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        var rng = ChunkTestRandom(seed: 1)
        let data = (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = CRC32C.checksum(data)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(data[..<split]))
            #expect(CRC32C.checksum(Array(data[split...]), continuing: first) == whole, "split \(split)")
        }
        // Byte-at-a-time reference.
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        #expect(~crc == whole)
    }

    @Test func appendedRecordsReplayInOrderAfterReopening() async throws {
        // Records appended in several calls come back from replay in the same order, byte for byte.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        var expected: [[UInt8]] = []
        do {
            let wal = try WALTestSupport.open(directory)
            _ = try WALTestSupport.replayAll(wal)
            for sequence in 0..<10 {
                let group = (0..<3).map { WALTestSupport.record(writer: sequence, sequence: $0, size: 10 + sequence * 7) }
                try await wal.append(group)
                expected += group
            }
            try await wal.append(record: [])  // an empty record is a record
            expected.append([])
            var batch = WALBatch()
            batch.appendRecord { $0 += [1, 2, 3] }
            [UInt8](repeating: 9, count: 100).withUnsafeBytes { batch.append(record: $0) }
            try await wal.append(batch)
            expected += [[1, 2, 3], [UInt8](repeating: 9, count: 100)]
            try await wal.append([])  // nothing
            await wal.close()
        }
        let wal = try WALTestSupport.open(directory)
        let (records, report) = try WALTestSupport.replayAll(wal)
        #expect(records == expected)
        #expect(report.records == expected.count)
        #expect(report.segments == 1)
        #expect(report.truncatedBytes == 0 && report.corruptSegment == nil && report.message == nil)
        await wal.close()
    }

    @Test func reopeningContinuesInANewSegmentAndKeepsEverything() async throws {
        // After replay, appends go to a new segment; the next replay returns old and new records in order.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        for round in 0..<3 {
            let wal = try WALTestSupport.open(directory)
            let (records, _) = try WALTestSupport.replayAll(wal)
            #expect(records.map { WALTestSupport.decode($0).sequence } == Array(0..<(round * 5)))
            #expect(wal.currentSegment == round + 1)
            for sequence in (round * 5)..<(round * 5 + 5) {
                try await wal.append(record: WALTestSupport.record(writer: 0, sequence: sequence))
            }
            #expect(wal.segments == Array(1...(round + 1)))
            await wal.close()
        }
        #expect(directory.files() == ["00000001", "00000002", "00000003", "LOCK"])
    }

    @Test func replayRunsOnceAndNeverAfterAnAppend() async throws {
        // A second replay, or a replay after an append, is refused with invalidState.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let wal = try WALTestSupport.open(directory)
        _ = try WALTestSupport.replayAll(wal)
        let twice = #expect(throws: WALError.self) { _ = try wal.replay { _ in } }
        #expect(twice?.code == .invalidState)
        await wal.close()

        let other = try WALTestSupport.open(directory)
        try await other.append(record: [1])
        let late = #expect(throws: WALError.self) { _ = try other.replay { _ in } }
        #expect(late?.code == .invalidState)
        await other.close()
    }

    @Test func manyConcurrentAppendersKeepEveryRecordAndTheirOwnOrder() async throws {
        // 32 tasks appending 150 groups each: every record is replayed once, each writer's in its order.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let writers = 32
        let groups = 150
        do {
            let wal = try WALTestSupport.open(directory, options: WALOptions(segmentSize: 64 << 10, sync: .interval(.milliseconds(5))))
            _ = try WALTestSupport.replayAll(wal)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for sequence in 0..<groups {
                            if sequence % 3 == 0 {
                                try await wal.append(record: WALTestSupport.record(writer: writer, sequence: sequence))
                            } else {
                                // Two records in one call: consecutive sequence numbers written together.
                                try await wal.append([
                                    WALTestSupport.record(writer: writer, sequence: sequence * 2 + 1_000_000),
                                    WALTestSupport.record(writer: writer, sequence: sequence * 2 + 1_000_001),
                                ])
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(wal.segments.count > 1)
            await wal.close()
        }
        let wal = try WALTestSupport.open(directory)
        let (records, report) = try WALTestSupport.replayAll(wal)
        #expect(report.corruptSegment == nil)
        var lastSequence = [Int](repeating: -1, count: writers)
        var count = [Int](repeating: 0, count: writers)
        var index = 0
        while index < records.count {
            let (writer, sequence) = WALTestSupport.decode(records[index])
            let logical = sequence >= 1_000_000 ? (sequence - 1_000_000) / 2 : sequence
            #expect(logical > lastSequence[writer], "writer \(writer) out of order")
            lastSequence[writer] = logical
            count[writer] += 1
            if sequence >= 1_000_000 {
                // The pair is adjacent: one call's records are never split by another caller's.
                #expect(WALTestSupport.decode(records[index + 1]) == (writer, sequence + 1))
                index += 2
                count[writer] += 1
            } else {
                index += 1
            }
        }
        let perWriter = groups / 3 + (groups - groups / 3) * 2
        #expect(count == [Int](repeating: perWriter, count: writers))
        await wal.close()
    }

    @Test func alwaysSyncedAppendsSurviveAndReturn() async throws {
        // With the always policy, concurrent appends complete (each after an fsync) and replay intact.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        do {
            let wal = try WALTestSupport.open(directory, options: WALOptions(sync: .always))
            _ = try WALTestSupport.replayAll(wal)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for sequence in 0..<10 {
                            try await wal.append(record: WALTestSupport.record(writer: writer, sequence: sequence))
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await wal.sync()
            await wal.close()
        }
        let (records, _) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(records.count == 80)
    }

    @Test func segmentsRotateAtTheConfiguredSize() async throws {
        // Appends move to a new segment when the current one would pass segmentSize; no segment is much larger.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let wal = try WALTestSupport.open(directory, options: WALOptions(segmentSize: 1000, sync: .never))
        _ = try WALTestSupport.replayAll(wal)
        for sequence in 0..<100 {
            try await wal.append(record: WALTestSupport.record(writer: 1, sequence: sequence, size: 91))  // 100 bytes framed
        }
        // A record larger than a segment gets a segment of its own.
        try await wal.append(record: [UInt8](repeating: 7, count: 5000))
        try await wal.append(record: WALTestSupport.record(writer: 1, sequence: 100, size: 91))
        await wal.close()
        let segments = directory.files().filter { $0 != "LOCK" }
        // 100 records, 9 to a segment: 11 full segments and one with a single record; then the big
        // record alone, then the last record in a segment of its own.
        #expect(segments.count == 14)
        for name in segments.prefix(11) { #expect(directory.size(of: name) == 908) }  // 8 + 9 × 100
        #expect(segments.suffix(3).map { directory.size(of: $0) } == [108, 8 + 9 + 5000, 108])
        #expect(wal.sizeBytes == Int64(segments.map { directory.size(of: $0) }.reduce(0, +)))
        let (records, report) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(records.count == 102)
        #expect(report.segments == 14)
    }

    @Test func cutStartsANewSegmentAndRemoveSegmentsDeletesOlderOnes() async throws {
        // cut() returns the segment later appends go to; removeSegments(before:) deletes only older ones.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let wal = try WALTestSupport.open(directory)
        _ = try WALTestSupport.replayAll(wal)
        #expect(wal.currentSegment == 1)
        try await wal.append(record: [1])
        #expect(try await wal.cut() == 2)
        #expect(try await wal.cut() == 2)  // the current segment is still empty
        try await wal.append(record: [2])
        #expect(try await wal.cut() == 3)
        try await wal.append(record: [3])
        #expect(wal.segments == [1, 2, 3])
        let before = wal.sizeBytes
        try wal.removeSegments(before: 3)
        #expect(wal.segments == [3])
        #expect(wal.sizeBytes == before - 2 * (8 + 10))
        try wal.removeSegments(before: 100)  // never the open segment
        #expect(wal.segments == [3])
        #expect(directory.files() == ["00000003", "LOCK"])
        await wal.close()
        let reopened = try WALTestSupport.open(directory)
        let (records, _) = try WALTestSupport.replayAll(reopened)
        #expect(records == [[3]])
        #expect(reopened.currentSegment == 4)
        await reopened.close()
    }

    @Test func aClosedLogRefusesWorkAndReleasesTheDirectory() async throws {
        // After close, appends fail with closed; a second log on the same directory is locked out until then.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let wal = try WALTestSupport.open(directory)
        let locked = #expect(throws: WALError.self) { _ = try WALTestSupport.open(directory) }
        #expect(locked?.code == .locked)
        _ = try WALTestSupport.replayAll(wal)
        try await wal.append(record: [1])
        await wal.close()
        await wal.close()
        await #expect(throws: WALError.self) { try await wal.append(record: [2]) }
        do {
            try await wal.append(record: [2])
        } catch {
            #expect(error.code == .closed && !error.isRetryable)
        }
        let reopened = try WALTestSupport.open(directory)
        #expect(try WALTestSupport.replayAll(reopened).0 == [[1]])
        await reopened.close()
    }

    @Test func oversizedRecordsAreRefusedWithoutTouchingTheLog() async throws {
        // A record above maxRecordSize fails with recordTooLarge (not retryable); nothing is written.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        var options = WALOptions(sync: .never)
        options.maxRecordSize = 100
        let wal = try WALTestSupport.open(directory, options: options)
        _ = try WALTestSupport.replayAll(wal)
        do {
            try await wal.append([[1], [UInt8](repeating: 0, count: 101)])
            Issue.record("expected recordTooLarge")
        } catch {
            #expect(error.code == .recordTooLarge && !error.isRetryable)
        }
        try await wal.append(record: [UInt8](repeating: 0, count: 100))
        await wal.close()
        #expect(try WALTestSupport.replayAll(try WALTestSupport.open(directory)).0.count == 1)
    }

    @Test func writeErrorsFailTheGroupRetryablyAndCutThePartialWriteOff() async throws {
        // ENOSPC mid-write fails that append with a retryable noSpace, leaves no partial record, and later appends work.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let wal = try WALTestSupport.open(directory)
        _ = try WALTestSupport.replayAll(wal)
        try await wal.append(record: [1, 1, 1])
        let sizeBefore = directory.size(of: "00000001")
        wal.faults.withLock { $0.writeErrors = [ENOSPC, EIO] }
        do {
            try await wal.append(record: [UInt8](repeating: 2, count: 64))
            Issue.record("expected noSpace")
        } catch {
            #expect(error.code == .noSpace && error.isRetryable)
            #expect(error.errno == ENOSPC)
        }
        #expect(directory.size(of: "00000001") == sizeBefore)
        do {
            try await wal.append(record: [3])
            Issue.record("expected an I/O error")
        } catch {
            #expect(error.code == .io && error.isRetryable)
        }
        try await wal.append(record: [4, 4])
        await wal.close()
        #expect(try WALTestSupport.replayAll(try WALTestSupport.open(directory)).0 == [[1, 1, 1], [4, 4]])
    }

    @Test func aFailedTruncateOrFsyncMovesAppendsToANewSegment() async throws {
        // When the failed write cannot be cut off (or an fsync fails), later appends go to a fresh segment.
        let directory = WALTestDirectory()
        defer { directory.remove() }
        let wal = try WALTestSupport.open(directory, options: WALOptions(sync: .always))
        _ = try WALTestSupport.replayAll(wal)
        try await wal.append(record: [1])
        wal.faults.withLock {
            $0.writeErrors = [EIO]
            $0.truncateErrors = [EIO]
        }
        await #expect(throws: WALError.self) { try await wal.append(record: [UInt8](repeating: 2, count: 40)) }
        try await wal.append(record: [3])
        #expect(wal.currentSegment == 2)
        wal.faults.withLock { $0.syncErrors = [EIO] }
        await #expect(throws: WALError.self) { try await wal.append(record: [4]) }
        try await wal.append(record: [5])
        #expect(wal.currentSegment == 3)
        await wal.close()
        // Segment 1 ends in the half-written record: a torn tail of an earlier segment, cut off on replay.
        let (records, report) = try WALTestSupport.replayAll(try WALTestSupport.open(directory))
        #expect(records == [[1], [3], [4], [5]])  // [4] was written, only its fsync failed
        #expect(report.corruptSegment == 1)
        #expect(report.setAsideSegments.isEmpty)
    }
}
