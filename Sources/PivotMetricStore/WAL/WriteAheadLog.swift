import Dispatch
import Glibc
import Logging
import Synchronization

/// An append-only log of opaque records in numbered segment files (`directory/00000001`, …), each
/// record framed with its length, a type byte and a CRC-32C so that a torn or corrupt tail is found
/// on replay. The format is documented on `WALRecordFormat`.
///
/// Use: `init` (opens, takes the directory's `LOCK`, does not read records), `replay` once, then
/// `append` from any number of tasks. Appends use group commit: records of concurrent callers are
/// gathered and written with one `write(2)` (and, with `WALSyncPolicy.always`, one fsync) by a
/// dedicated writer queue; each caller returns once its records are written (and synced as the
/// policy says). The writer never runs on Swift's cooperative thread pool, so blocking I/O does not
/// starve other tasks.
///
/// Appends go to a new segment after every start (the segments found at startup are only read),
/// and to the next one whenever the current one would grow past `WALOptions.segmentSize`.
///
/// Errors: a failed write (`ENOSPC`, `EIO`) fails the appenders of that group with a retryable
/// `WALError` and cuts the partial write off again, so the log stays readable; records of other
/// groups are unaffected. Cancelling an appending task does not withdraw its records.
public final class WriteAheadLog: Sendable {
    public let directory: String
    public let options: WALOptions
    let logger: Logger
    let state: Mutex<LogState>
    /// The open segment; touched only by operations on `writerQueue`.
    let writer: Mutex<SegmentWriter>
    let writerQueue: DispatchQueue
    let syncTask = Mutex<Task<Void, Never>?>(nil)
    /// Simulated I/O failures for tests.
    let faults = Mutex(WALFaultInjection())

    typealias StateMachine = GroupCommitStateMachine<Waiter>

    struct Waiter: Sendable {
        let continuation: CheckedContinuation<Result<Int, WALError>, Never>
        /// Framed records for an append; empty otherwise.
        let payload: [UInt8]
    }

    enum Phase {
        /// Opened; segments not read yet.
        case fresh
        case replaying
        /// Replayed (or the last segment's tail checked): appends may open a segment.
        case ready
        case closed
    }

    struct LogState {
        var machine: StateMachine
        var phase: Phase = .fresh
        /// Size on disk of every segment, open one included.
        var segmentSizes: [Int: Int64] = [:]
        var openSegment: Int?
        var nextSegment: Int
        var lockDescriptor: Int32
    }

    struct SegmentWriter {
        var descriptor: Int32 = -1
        var segment = 0
        var offset = 0
        /// After a failed truncate or fsync the segment's tail is unknown: the next write starts a new one.
        var needsNewSegment = false
        /// Reused to join the payloads of a group into one write.
        var scratch: [UInt8] = []
    }

    /// Opens the log in `directory`, creating the directory if needed. Does not replay: call
    /// `replay` before the first append. Throws `.locked` when another log holds the directory.
    public init(directory: String, options: WALOptions = .init(), logger: Logger) throws(WALError) {
        precondition(options.maxRecordSize <= Int(UInt32.max), "WALOptions.maxRecordSize must fit in 32 bits")
        self.directory = directory
        self.options = options
        self.logger = logger
        try WALFileSystem.makeDirectory(directory)
        let lock = try WALFileSystem.lockDirectory(directory)
        let segments: [(segment: Int, size: Int64)]
        do {
            segments = try WALFileSystem.listSegments(directory)
        } catch {
            Glibc.close(lock)
            throw error
        }
        var syncEveryWrite = false
        if case .always = options.sync { syncEveryWrite = true }
        var initial = LogState(
            machine: StateMachine(maxGroupBytes: options.maxGroupBytes, syncEveryWrite: syncEveryWrite),
            nextSegment: (segments.last?.segment ?? 0) + 1,
            lockDescriptor: lock)
        for (segment, size) in segments { initial.segmentSizes[segment] = size }
        state = Mutex(initial)
        writer = Mutex(SegmentWriter())
        writerQueue = DispatchQueue(label: "pivot.wal.writer")
        if case .interval(let interval) = options.sync { startSyncTimer(every: interval) }
    }

    deinit {
        syncTask.withLock { $0?.cancel() }
        writer.withLock { writer in
            if writer.descriptor >= 0 { Glibc.close(writer.descriptor) }
            writer.descriptor = -1
        }
        state.withLock { state in
            if state.lockDescriptor >= 0 { Glibc.close(state.lockDescriptor) }
            state.lockDescriptor = -1
        }
    }

    // MARK: Appending

    /// Appends `records` as one group, in order. Returns when they are written (and synced as the
    /// policy says).
    public func append(_ records: [[UInt8]]) async throws(WALError) {
        guard !records.isEmpty else { return }
        var batch = WALBatch(reservingCapacity: records.reduce(0) { $0 + $1.count + WALRecordFormat.recordHeaderSize })
        for record in records { batch.append(record: record) }
        try await append(batch)
    }

    /// Appends one record.
    public func append(record: [UInt8]) async throws(WALError) {
        var batch = WALBatch(reservingCapacity: record.count + WALRecordFormat.recordHeaderSize)
        batch.append(record: record)
        try await append(batch)
    }

    /// Appends the batch's records as one group, in order.
    public func append(_ batch: WALBatch) async throws(WALError) {
        guard !batch.isEmpty else { return }
        guard batch.largestRecord <= options.maxRecordSize else {
            throw WALError(
                .recordTooLarge,
                "a write-ahead log record of \(batch.largestRecord) bytes exceeds the limit of \(options.maxRecordSize)")
        }
        let payload = batch.bytes
        _ = try await submit(payload: payload) { .append($0, byteCount: payload.count) }.get()
    }

    /// Starts a new segment (unless the current one is still empty) and returns its number; records
    /// appended after this call go to it or later ones. Fsyncs the segment it leaves.
    public func cut() async throws(WALError) -> Int {
        try await submit { .cut($0) }.get()
    }

    /// Fsyncs everything written so far.
    public func sync() async throws(WALError) {
        _ = try await submit { .sync($0) }.get()
    }

    /// Waits for queued appends, fsyncs, closes the segment and releases the directory. Later calls
    /// fail with `.closed`. Idempotent.
    public func close() async {
        let result = await submit { .close($0) }
        if case .failure(let error) = result, error.code != .closed {
            logger.error("closing the write-ahead log failed", metadata: ["error": "\(error)"])
        }
        syncTask.withLock { task in
            task?.cancel()
            task = nil
        }
        state.withLock { state in
            state.phase = .closed
            if state.lockDescriptor >= 0 { Glibc.close(state.lockDescriptor) }
            state.lockDescriptor = -1
        }
    }

    // MARK: Segments

    /// The segment that appends go to now (or will, when none is open yet).
    public var currentSegment: Int {
        state.withLock { $0.openSegment ?? $0.nextSegment }
    }

    /// Segment numbers on disk, ascending.
    public var segments: [Int] {
        state.withLock { $0.segmentSizes.keys.sorted() }
    }

    /// Total bytes of the segment files on disk.
    public var sizeBytes: Int64 {
        state.withLock { $0.segmentSizes.values.reduce(0, +) }
    }

    /// Deletes the segments numbered below `segment` (never the open one), oldest first, after a
    /// checkpoint persisted their content. Stops at the first failure, so no gap is left.
    public func removeSegments(before segment: Int) throws(WALError) {
        let victims = try state.withLock { state throws(WALError) -> [Int] in
            guard state.phase != .replaying else {
                throw WALError(.invalidState, "cannot remove write-ahead log segments during replay")
            }
            return state.segmentSizes.keys.filter { $0 < segment && $0 != state.openSegment }.sorted()
        }
        guard !victims.isEmpty else { return }
        defer { WALFileSystem.syncDirectory(directory) }
        for victim in victims {
            try WALFileSystem.remove(path(of: victim))
            _ = state.withLock { $0.segmentSizes.removeValue(forKey: victim) }
        }
        logger.debug("removed write-ahead log segments", metadata: [
            "first": "\(victims[0])", "last": "\(victims[victims.count - 1])",
        ])
    }

    func path(of segment: Int) -> String {
        directory + "/" + WALRecordFormat.fileName(segment)
    }

    // MARK: Driving the state machine

    private func submit(
        payload: [UInt8] = [], _ request: (Waiter) -> StateMachine.Request
    ) async -> Result<Int, WALError> {
        await withCheckedContinuation { continuation in
            let waiter = Waiter(continuation: continuation, payload: payload)
            let request = request(waiter)
            let action = state.withLock { $0.machine.submit(request) }
            switch action {
            case .run(let operation):
                writerQueue.async { self.execute(operation) }
            case .wait:
                break
            case .failClosed(let waiter):
                waiter.continuation.resume(returning: .failure(WALError(.closed, "the write-ahead log in \(directory) is closed")))
            }
        }
    }

    /// Runs `first` and every operation the state machine chains after it, on the writer queue.
    private func execute(_ first: StateMachine.Operation) {
        var operation: StateMachine.Operation? = first
        while let current = operation {
            let outcome = perform(current)
            let action = state.withLock { state in
                switch outcome {
                case .success: state.machine.operationSucceeded()
                case .failure: state.machine.operationFailed()
                }
            }
            for waiter in action.resume { waiter.continuation.resume(returning: outcome) }
            operation = action.next
        }
    }

    private func startSyncTimer(every interval: Duration) {
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                self.syncTimerFired()
            }
        }
        syncTask.withLock { $0 = task }
    }

    private func syncTimerFired() {
        let action = state.withLock { $0.machine.syncTimerFired() }
        if case .run(let operation) = action {
            writerQueue.async { self.execute(operation) }
        }
    }
}
