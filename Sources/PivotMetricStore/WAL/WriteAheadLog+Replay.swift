import Logging
import Synchronization

extension WriteAheadLog {
    /// Replays every record of every segment in order, before any append.
    ///
    /// `body` gets each record's payload, valid only during the call; an error it throws stops the
    /// replay and is rethrown (the log can then be replayed again). Damage never refuses a start:
    /// - a torn or corrupt tail of the last segment is cut off (truncated on disk), logged at warning
    ///   with what was dropped, and reported;
    /// - a torn tail of an earlier segment (a record cut short at its end) is cut off the same way,
    ///   and replay goes on with the next segment;
    /// - corruption inside an earlier segment, or a missing segment number, stops replay there: the
    ///   segment keeps its good records (its bad tail is saved to `NNNNNNNN.corrupt`), and the later
    ///   segments are set aside (renamed `NNNNNNNN.corrupt`), reported and logged.
    /// Throws `.invalidState` when called twice or after an append, and `WALError` for I/O failures.
    public func replay(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> WALReplayReport {
        let segments = try state.withLock { state throws(WALError) -> [Int] in
            guard state.phase == .fresh else {
                throw WALError(.invalidState, "the write-ahead log replays once, before the first append")
            }
            state.phase = .replaying
            return state.segmentSizes.keys.sorted()
        }
        var report = WALReplayReport()
        var problems: [String] = []
        do {
            var index = 0
            while index < segments.count {
                let segment = segments[index]
                let isLast = index == segments.count - 1
                if index > 0 && segment != segments[index - 1] + 1 {
                    let missing = segments[index - 1] + 1
                    problems.append("segment \(missing) is missing")
                    report.corruptSegment = report.corruptSegment ?? segments[index - 1]
                    try setAside(Array(segments[index...]), report: &report)
                    break
                }
                let scan = try WALSegmentScanner(path: path(of: segment)).scan(body)
                report.records += scan.records
                report.segments += 1
                if let problem = scan.problem {
                    report.corruptSegment = report.corruptSegment ?? segment
                    problems.append("segment \(segment) at offset \(scan.validEnd): \(problem.reason)")
                    report.truncatedBytes += try cutTail(of: segment, scan: scan, problem: problem)
                    if case .corrupt = problem, !isLast {
                        try setAside(Array(segments[(index + 1)...]), report: &report)
                        break
                    }
                }
                index += 1
            }
        } catch {
            state.withLock { $0.phase = .fresh }
            throw error
        }
        if !problems.isEmpty {
            var message = problems.joined(separator: "; ")
            message += "; \(report.truncatedBytes) bytes cut off"
            if !report.setAsideSegments.isEmpty {
                message += "; segments \(report.setAsideSegments.map(String.init).joined(separator: ", ")) set aside as *.corrupt"
            }
            report.message = message
            logger.warning("write-ahead log replay found damage", metadata: [
                "records": "\(report.records)", "message": "\(message)",
            ])
        }
        state.withLock { state in
            state.phase = .ready
            state.nextSegment = (state.segmentSizes.keys.max() ?? 0) + 1
        }
        logger.info("write-ahead log replayed", metadata: [
            "records": "\(report.records)", "segments": "\(report.segments)",
        ])
        return report
    }

    /// Renames `segments` to `*.corrupt` and forgets them.
    private func setAside(_ segments: [Int], report: inout WALReplayReport) throws(WALError) {
        for segment in segments {
            let source = path(of: segment)
            try WALFileSystem.rename(source, to: WALFileSystem.setAsideName(for: source))
            _ = state.withLock { $0.segmentSizes.removeValue(forKey: segment) }
            report.setAsideSegments.append(segment)
        }
        WALFileSystem.syncDirectory(directory)
        logger.error("set aside write-ahead log segments after a corrupt one", metadata: [
            "segments": "\(segments.map(String.init).joined(separator: ","))",
        ])
    }
}
