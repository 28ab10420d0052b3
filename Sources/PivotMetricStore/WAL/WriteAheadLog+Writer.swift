import Glibc
import Logging
import Synchronization

/// The writer's I/O: runs one state machine operation at a time, on `writerQueue` only.
extension WriteAheadLog {
    func perform(_ operation: StateMachine.Operation) -> Result<Int, WALError> {
        writer.withLock { writer in
            do throws(WALError) {
                switch operation {
                case .write(let waiters, _, let sync):
                    try prepareSegment(&writer)
                    try write(waiters, sync: sync, writer: &writer)
                case .cut:
                    try prepareSegment(&writer)
                    if writer.offset > WALRecordFormat.segmentHeaderSize {
                        try startNewSegment(&writer)
                    }
                case .sync:
                    if writer.descriptor >= 0 {
                        try syncSegment(&writer)
                    }
                case .close:
                    if writer.descriptor >= 0 {
                        let descriptor = writer.descriptor
                        writer.descriptor = -1
                        defer { Glibc.close(descriptor) }
                        try WALFileSystem.syncData(descriptor, path: path(of: writer.segment))
                    }
                    state.withLock { $0.openSegment = nil }
                }
                return .success(writer.segment)
            } catch {
                return .failure(error)
            }
        }
    }

    /// Writes the waiters' payloads in order, starting a new segment before a payload that would
    /// overflow the current one, then fsyncs when asked. On failure, cuts the current segment back.
    private func write(_ waiters: [Waiter], sync: Bool, writer: inout SegmentWriter) throws(WALError) {
        var index = 0
        while index < waiters.count {
            // The run of payloads that fits the current segment (at least one).
            var end = index
            var bytes = 0
            while end < waiters.count {
                let size = waiters[end].payload.count
                let wouldOverflow = writer.offset + bytes + size > options.segmentSize
                if wouldOverflow && (bytes > 0 || writer.offset > WALRecordFormat.segmentHeaderSize) { break }
                bytes += size
                end += 1
            }
            if end == index {
                try startNewSegment(&writer)
                continue
            }
            try writeRun(waiters[index..<end], byteCount: bytes, writer: &writer)
            index = end
        }
        if sync { try syncSegment(&writer) }
    }

    private func writeRun(_ run: ArraySlice<Waiter>, byteCount: Int, writer: inout SegmentWriter) throws(WALError) {
        let start = writer.offset
        let segmentPath = path(of: writer.segment)
        do throws(WALError) {
            if let code = faults.withLock({ $0.nextWriteError() }) {
                try WALFileSystem.write(writer.descriptor, Array(run[run.startIndex].payload.prefix(byteCount / 2)), at: start, path: segmentPath)
                throw WALFileSystem.error("write to", segmentPath, errno: code)
            }
            if run.count == 1 {
                try WALFileSystem.write(writer.descriptor, run[run.startIndex].payload, at: start, path: segmentPath)
            } else {
                writer.scratch.removeAll(keepingCapacity: true)
                writer.scratch.reserveCapacity(byteCount)
                for waiter in run { writer.scratch.append(contentsOf: waiter.payload) }
                try WALFileSystem.write(writer.descriptor, writer.scratch, at: start, path: segmentPath)
                if writer.scratch.capacity > 4 * options.maxGroupBytes { writer.scratch = [] }
            }
        } catch {
            // Cut off whatever part of the run reached the file so the log ends with a whole record.
            do throws(WALError) {
                if let code = faults.withLock({ $0.nextTruncateError() }) {
                    throw WALFileSystem.error("truncate", segmentPath, errno: code)
                }
                try WALFileSystem.truncate(writer.descriptor, to: start, path: segmentPath)
            } catch let truncateError {
                writer.needsNewSegment = true
                logger.error("cannot cut a failed write off the write-ahead log; continuing in a new segment", metadata: [
                    "segment": "\(writer.segment)", "error": "\(truncateError)",
                ])
            }
            logger.warning("write-ahead log write failed", metadata: [
                "segment": "\(writer.segment)", "bytes": "\(byteCount)", "error": "\(error)",
            ])
            throw error
        }
        writer.offset = start + byteCount
        let segment = writer.segment
        let offset = writer.offset
        state.withLock { $0.segmentSizes[segment] = Int64(offset) }
    }

    private func syncSegment(_ writer: inout SegmentWriter) throws(WALError) {
        do throws(WALError) {
            if let code = faults.withLock({ $0.nextSyncError() }) {
                throw WALFileSystem.error("fsync", path(of: writer.segment), errno: code)
            }
            try WALFileSystem.syncData(writer.descriptor, path: path(of: writer.segment))
        } catch {
            // After a failed fsync the kernel may have dropped the dirty pages: do not trust this
            // segment's tail any more.
            writer.needsNewSegment = true
            logger.error("write-ahead log fsync failed", metadata: ["segment": "\(writer.segment)", "error": "\(error)"])
            throw error
        }
    }

    /// Makes sure a segment is open for appending: on first use, checks the tail of the last segment
    /// found at startup (when `replay` was skipped), then opens a new segment.
    private func prepareSegment(_ writer: inout SegmentWriter) throws(WALError) {
        if writer.descriptor >= 0 {
            if writer.needsNewSegment { try startNewSegment(&writer) }
            return
        }
        let (phase, lastSegment) = state.withLock { state in
            let phase = state.phase
            if phase == .fresh { state.phase = .ready }
            return (phase, state.segmentSizes.keys.max())
        }
        switch phase {
        case .replaying:
            throw WALError(.invalidState, "cannot append to the write-ahead log while it is replayed")
        case .closed:
            throw WALError(.closed, "the write-ahead log in \(directory) is closed")
        case .fresh:
            if let lastSegment { try repairTail(of: lastSegment) }
        case .ready:
            break
        }
        try openNextSegment(&writer)
    }

    /// Cuts a torn or corrupt tail off `segment` without replaying it, so records appended later
    /// (in the next segment) are not stranded behind it.
    private func repairTail(of segment: Int) throws(WALError) {
        let scanner = WALSegmentScanner(path: path(of: segment))
        let result: WALSegmentScanner.Result
        do {
            result = try scanner.scan { _ in }
        } catch let error as WALError {
            throw error
        } catch {
            throw WALError(.io, "cannot check \(path(of: segment)): \(error)")
        }
        guard let problem = result.problem else { return }
        try cutTail(of: segment, scan: result, problem: problem)
    }

    /// Truncates `segment` to its last good record, first saving the dropped bytes of a corrupt (not
    /// merely torn) tail to a `*.corrupt` file. Returns the bytes dropped.
    @discardableResult
    func cutTail(of segment: Int, scan: WALSegmentScanner.Result, problem: WALSegmentScanner.Problem) throws(WALError) -> Int {
        let segmentPath = path(of: segment)
        let dropped = scan.fileSize - scan.validEnd
        var savedTo: String?
        if case .corrupt = problem {
            savedTo = saveCopy(of: segmentPath, from: scan.validEnd, count: dropped)
        }
        try WALFileSystem.truncate(segmentPath, to: scan.validEnd)
        state.withLock { $0.segmentSizes[segment] = Int64(scan.validEnd) }
        var metadata: Logger.Metadata = [
            "segment": "\(segment)", "reason": "\(problem.reason)", "offset": "\(scan.validEnd)",
            "droppedBytes": "\(dropped)", "recordsKept": "\(scan.records)",
        ]
        if let savedTo { metadata["savedTo"] = "\(savedTo)" }
        logger.warning("cut a torn or corrupt tail off a write-ahead log segment", metadata: metadata)
        return dropped
    }

    /// Copies `count` bytes of `path` from `offset` to a new `*.corrupt` file for later inspection.
    /// Best effort: returns nil (and logs) when the copy cannot be made.
    private func saveCopy(of path: String, from offset: Int, count: Int) -> String? {
        guard count > 0 else { return nil }
        let target = WALFileSystem.setAsideName(for: path)
        do throws(WALError) {
            let source = try WALFileSystem.open(path, flags: O_RDONLY)
            defer { Glibc.close(source) }
            let destination = try WALFileSystem.open(target, flags: O_WRONLY | O_CREAT | O_EXCL)
            defer { Glibc.close(destination) }
            let chunkSize = 1 << 20
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            var copied = 0
            while copied < count {
                let read = try WALFileSystem.read(
                    source, into: buffer.baseAddress!, count: Swift.min(chunkSize, count - copied),
                    at: offset + copied, path: path)
                guard read > 0 else { break }
                try WALFileSystem.write(destination, UnsafeRawBufferPointer(rebasing: buffer[0..<read]), at: copied, path: target)
                copied += read
            }
            try WALFileSystem.syncData(destination, path: target)
            return target
        } catch {
            logger.warning("cannot save a corrupt write-ahead log tail", metadata: ["path": "\(path)", "error": "\(error)"])
            return nil
        }
    }

    /// Closes the open segment (fsynced unless the policy is `.never`) and opens the next.
    private func startNewSegment(_ writer: inout SegmentWriter) throws(WALError) {
        if writer.descriptor >= 0 {
            let descriptor = writer.descriptor
            if options.sync != .never {
                do throws(WALError) {
                    try WALFileSystem.syncData(descriptor, path: path(of: writer.segment))
                } catch {
                    if !writer.needsNewSegment {
                        // Fail this operation; the next one moves on without trusting this segment.
                        writer.needsNewSegment = true
                        throw error
                    }
                    logger.warning("fsync of an abandoned write-ahead log segment failed", metadata: [
                        "segment": "\(writer.segment)", "error": "\(error)",
                    ])
                }
            }
            Glibc.close(descriptor)
            writer.descriptor = -1
            state.withLock { $0.openSegment = nil }
        }
        try openNextSegment(&writer)
    }

    private func openNextSegment(_ writer: inout SegmentWriter) throws(WALError) {
        let segment = state.withLock { $0.nextSegment }
        let segmentPath = path(of: segment)
        let descriptor = try WALFileSystem.open(segmentPath, flags: O_WRONLY | O_CREAT | O_EXCL)
        do throws(WALError) {
            try WALFileSystem.write(descriptor, WALRecordFormat.segmentHeader, at: 0, path: segmentPath)
            if options.sync != .never { try WALFileSystem.syncData(descriptor, path: segmentPath) }
        } catch {
            Glibc.close(descriptor)
            try? WALFileSystem.remove(segmentPath)
            throw error
        }
        WALFileSystem.syncDirectory(directory)
        writer.descriptor = descriptor
        writer.segment = segment
        writer.offset = WALRecordFormat.segmentHeaderSize
        writer.needsNewSegment = false
        state.withLock { state in
            state.segmentSizes[segment] = Int64(WALRecordFormat.segmentHeaderSize)
            state.openSegment = segment
            state.nextSegment = segment + 1
        }
        logger.debug("opened write-ahead log segment", metadata: ["segment": "\(segment)"])
    }
}
