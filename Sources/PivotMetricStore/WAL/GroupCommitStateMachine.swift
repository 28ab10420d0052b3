/// The ordering and batching logic of the write-ahead log's group commit, free of I/O, threads and
/// clocks, so every decision is testable.
///
/// Requests (appends, cuts, syncs, a close) are queued in arrival order. While the writer is busy,
/// appends pile up; when it finishes, all consecutive queued appends (up to `maxGroupBytes`, at least
/// one) become one `write` operation: one `write(2)` and, with the `.always` policy, one fsync for
/// all of them. A cut, sync or close runs alone, after everything queued before it. Each method
/// returns what the driver must do next; the driver performs at most one operation at a time and
/// reports its end with `operationSucceeded` / `operationFailed`.
///
/// `Waiter` is whatever the driver needs to resume a caller (a continuation and its payload); tests
/// use plain values.
struct GroupCommitStateMachine<Waiter> {
    enum Request {
        /// Records to write, `byteCount` bytes framed.
        case append(Waiter, byteCount: Int)
        /// Start a new segment.
        case cut(Waiter)
        /// Fsync now.
        case sync(Waiter)
        /// Fsync and close; later requests fail.
        case close(Waiter)
    }

    enum Operation {
        /// Write the waiters' records in this order with one write, then fsync when `sync` is true.
        case write([Waiter], byteCount: Int, sync: Bool)
        case cut(Waiter)
        /// Fsync; `waiters` is empty for the periodic sync.
        case sync([Waiter])
        case close(Waiter)

        var waiters: [Waiter] {
            switch self {
            case .write(let waiters, _, _): waiters
            case .sync(let waiters): waiters
            case .cut(let waiter), .close(let waiter): [waiter]
            }
        }
    }

    enum SubmitAction {
        /// Start this operation now (the writer was idle).
        case run(Operation)
        /// Queued; the waiter is resumed when its operation completes.
        case wait
        /// The log is closed or closing: fail the waiter at once.
        case failClosed(Waiter)
    }

    struct CompletionAction {
        /// Waiters of the operation that ended, to resume with its outcome.
        var resume: [Waiter]
        /// The next operation to start, if any.
        var next: Operation?
    }

    enum SyncTimerAction {
        case run(Operation)
        case none
    }

    /// The largest batch gathered into one write (a single larger append still goes alone).
    let maxGroupBytes: Int
    /// Whether every write is followed by an fsync before its waiters return (`WALSyncPolicy.always`).
    let syncEveryWrite: Bool

    /// Queued requests; taken slots are cleared so payloads are not kept alive.
    private var queue: [Request?] = []
    private var queueHead = 0
    private var inFlight: Operation?
    /// Bytes written since the last successful fsync.
    private(set) var hasUnsyncedWrites = false
    private var periodicSyncDue = false
    private var closeRequested = false
    private(set) var isClosed = false

    init(maxGroupBytes: Int, syncEveryWrite: Bool) {
        self.maxGroupBytes = maxGroupBytes
        self.syncEveryWrite = syncEveryWrite
    }

    /// Whether an operation is running.
    var isBusy: Bool { inFlight != nil }

    /// Requests waiting behind the running operation.
    var queuedCount: Int { queue.count - queueHead }

    mutating func submit(_ request: Request) -> SubmitAction {
        if closeRequested {
            switch request {
            case .append(let waiter, _), .cut(let waiter), .sync(let waiter), .close(let waiter):
                return .failClosed(waiter)
            }
        }
        if case .close = request { closeRequested = true }
        queue.append(request)
        guard inFlight == nil else { return .wait }
        let operation = nextOperation()!
        return .run(operation)
    }

    mutating func operationSucceeded() -> CompletionAction {
        guard let finished = inFlight else { preconditionFailure("no operation in flight") }
        inFlight = nil
        switch finished {
        case .write(_, _, let sync):
            hasUnsyncedWrites = !sync
        case .sync, .cut:
            // A cut fsyncs the segment it closes.
            hasUnsyncedWrites = false
        case .close:
            hasUnsyncedWrites = false
            isClosed = true
        }
        return CompletionAction(resume: finished.waiters, next: nextOperation())
    }

    /// The operation failed; its waiters get the error. For a write the driver has cut the partial
    /// write off, so nothing new is unsynced; a failed sync leaves the earlier writes unsynced.
    mutating func operationFailed() -> CompletionAction {
        guard let finished = inFlight else { preconditionFailure("no operation in flight") }
        inFlight = nil
        if case .close = finished { isClosed = true }
        return CompletionAction(resume: finished.waiters, next: nextOperation())
    }

    /// The periodic timer of `WALSyncPolicy.interval` fired: fsync when something is unsynced,
    /// now when idle, else right after the running operation.
    mutating func syncTimerFired() -> SyncTimerAction {
        guard hasUnsyncedWrites, !isClosed else { return .none }
        guard inFlight == nil else {
            periodicSyncDue = true
            return .none
        }
        let operation = Operation.sync([])
        inFlight = operation
        return .run(operation)
    }

    private mutating func take() -> Request {
        let request = queue[queueHead]!
        queue[queueHead] = nil
        queueHead += 1
        return request
    }

    private mutating func nextOperation() -> Operation? {
        if periodicSyncDue {
            periodicSyncDue = false
            if hasUnsyncedWrites && !isClosed {
                let operation = Operation.sync([])
                inFlight = operation
                return operation
            }
        }
        guard queueHead < queue.count else {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
            return nil
        }
        let operation: Operation
        switch take() {
        case .append(let first, let firstCount):
            var waiters = [first]
            var bytes = firstCount
            while queueHead < queue.count, case .append(let waiter, let byteCount) = queue[queueHead],
                  bytes + byteCount <= maxGroupBytes {
                waiters.append(waiter)
                bytes += byteCount
                _ = take()
            }
            operation = .write(waiters, byteCount: bytes, sync: syncEveryWrite)
        case .cut(let waiter):
            operation = .cut(waiter)
        case .sync(let waiter):
            // Consecutive sync requests share one fsync.
            var waiters = [waiter]
            while queueHead < queue.count, case .sync(let next) = queue[queueHead] {
                waiters.append(next)
                _ = take()
            }
            operation = .sync(waiters)
        case .close(let waiter):
            operation = .close(waiter)
        }
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        inFlight = operation
        return operation
    }
}

extension GroupCommitStateMachine.Operation: Sendable where Waiter: Sendable {}
extension GroupCommitStateMachine.Request: Sendable where Waiter: Sendable {}
