import Testing

@testable import PivotMetricStore

/// The group commit state machine, driven by hand: no files, threads or sleeps.
struct GroupCommitStateMachineTests {
    typealias Machine = GroupCommitStateMachine<String>

    static func written(_ operation: Machine.Operation?) -> (waiters: [String], bytes: Int, sync: Bool)? {
        guard case .write(let waiters, let bytes, let sync) = operation else { return nil }
        return (waiters, bytes, sync)
    }

    static func started(_ action: Machine.SubmitAction) -> Machine.Operation? {
        guard case .run(let operation) = action else { return nil }
        return operation
    }

    static func waits(_ action: Machine.SubmitAction) -> Bool {
        if case .wait = action { return true }
        return false
    }

    @Test func anAppendToAnIdleWriterStartsAWriteAtOnce() {
        // The first append finds the writer idle and is written alone, synced only under the always policy.
        var never = Machine(maxGroupBytes: 1000, syncEveryWrite: false)
        let first = Self.written(Self.started(never.submit(.append("a", byteCount: 10))))
        #expect(first?.waiters == ["a"] && first?.bytes == 10 && first?.sync == false)
        #expect(never.isBusy)

        var always = Machine(maxGroupBytes: 1000, syncEveryWrite: true)
        #expect(Self.written(Self.started(always.submit(.append("a", byteCount: 10))))?.sync == true)
    }

    @Test func appendsArrivingDuringAWriteAreGatheredIntoOneWriteInOrder() {
        // While a write runs, later appends wait; its completion starts one write holding all of them, in arrival order.
        var machine = Machine(maxGroupBytes: 1000, syncEveryWrite: true)
        _ = machine.submit(.append("a", byteCount: 10))
        #expect(Self.waits(machine.submit(.append("b", byteCount: 20))))
        #expect(Self.waits(machine.submit(.append("c", byteCount: 30))))
        #expect(Self.waits(machine.submit(.append("d", byteCount: 40))))
        #expect(machine.queuedCount == 3)
        let done = machine.operationSucceeded()
        #expect(done.resume == ["a"])
        let group = Self.written(done.next)
        #expect(group?.waiters == ["b", "c", "d"] && group?.bytes == 90 && group?.sync == true)
        let last = machine.operationSucceeded()
        #expect(last.resume == ["b", "c", "d"])
        #expect(last.next == nil)
        #expect(!machine.isBusy)
    }

    @Test func groupsStopAtTheByteLimitButTakeAtLeastOneAppend() {
        // Gathering stops before maxGroupBytes is passed; an append larger than the limit still goes, alone.
        var machine = Machine(maxGroupBytes: 100, syncEveryWrite: false)
        _ = machine.submit(.append("first", byteCount: 1))
        for (name, bytes) in [("a", 40), ("b", 40), ("c", 40), ("huge", 500), ("d", 10)] {
            _ = machine.submit(.append(name, byteCount: bytes))
        }
        var groups: [[String]] = []
        var next = machine.operationSucceeded().next
        while let operation = next {
            groups.append(operation.waiters)
            next = machine.operationSucceeded().next
        }
        #expect(groups == [["a", "b"], ["c"], ["huge"], ["d"]])
    }

    @Test func cutsSyncsAndCloseRunAloneInArrivalOrder() {
        // Control requests split the append groups around them and keep their place; adjacent syncs share an fsync.
        var machine = Machine(maxGroupBytes: 1000, syncEveryWrite: false)
        _ = machine.submit(.append("a", byteCount: 1))
        _ = machine.submit(.append("b", byteCount: 1))
        _ = machine.submit(.cut("cut"))
        _ = machine.submit(.append("c", byteCount: 1))
        _ = machine.submit(.sync("sync1"))
        _ = machine.submit(.sync("sync2"))
        _ = machine.submit(.close("close"))
        var sequence: [String] = []
        var next = machine.operationSucceeded().next
        while let operation = next {
            switch operation {
            case .write(let waiters, _, _): sequence.append("write " + waiters.joined(separator: ","))
            case .cut(let waiter): sequence.append(waiter)
            case .sync(let waiters): sequence.append("sync " + waiters.joined(separator: ","))
            case .close(let waiter): sequence.append(waiter)
            }
            next = machine.operationSucceeded().next
        }
        #expect(sequence == ["write b", "cut", "write c", "sync sync1,sync2", "close"])
        #expect(machine.isClosed)
    }

    @Test func requestsAfterCloseFailWhileEarlierOnesStillRun() {
        // Once close is queued, new requests fail at once; those queued before it still complete.
        var machine = Machine(maxGroupBytes: 1000, syncEveryWrite: false)
        _ = machine.submit(.append("a", byteCount: 1))
        _ = machine.submit(.append("b", byteCount: 1))
        _ = machine.submit(.close("close"))
        guard case .failClosed(let refused) = machine.submit(.append("late", byteCount: 1)) else {
            Issue.record("expected failClosed")
            return
        }
        #expect(refused == "late")
        guard case .failClosed = machine.submit(.close("close again")) else {
            Issue.record("expected failClosed")
            return
        }
        #expect(Self.written(machine.operationSucceeded().next)?.waiters == ["b"])
        guard case .close = machine.operationSucceeded().next else {
            Issue.record("expected close")
            return
        }
        #expect(machine.operationSucceeded().next == nil)
        #expect(machine.isClosed)
    }

    @Test func aFailedWriteFailsOnlyItsOwnWaiters() {
        // A failure resumes that operation's waiters (with the error) and the queue moves on.
        var machine = Machine(maxGroupBytes: 1000, syncEveryWrite: false)
        _ = machine.submit(.append("a", byteCount: 1))
        _ = machine.submit(.append("b", byteCount: 1))
        let failed = machine.operationFailed()
        #expect(failed.resume == ["a"])
        #expect(Self.written(failed.next)?.waiters == ["b"])
        #expect(!machine.hasUnsyncedWrites)
        #expect(machine.operationSucceeded().resume == ["b"])
        #expect(machine.hasUnsyncedWrites)
    }

    @Test func thePeriodicSyncRunsOnlyWhenSomethingIsUnsynced() {
        // The timer fsyncs after unsynced writes: at once when idle, else right after the running operation.
        var machine = Machine(maxGroupBytes: 1000, syncEveryWrite: false)
        guard case .none = machine.syncTimerFired() else {
            Issue.record("nothing written, nothing to sync")
            return
        }
        _ = machine.submit(.append("a", byteCount: 1))
        guard case .none = machine.syncTimerFired() else {
            Issue.record("the write is not done yet and nothing else is unsynced")
            return
        }
        _ = machine.operationSucceeded()
        #expect(machine.hasUnsyncedWrites)
        guard case .run(.sync(let waiters)) = machine.syncTimerFired() else {
            Issue.record("expected a periodic sync")
            return
        }
        #expect(waiters.isEmpty)
        #expect(machine.operationSucceeded().next == nil)
        #expect(!machine.hasUnsyncedWrites)

        // Busy: the sync is due after the running write, before the queued appends.
        _ = machine.submit(.append("b", byteCount: 1))
        _ = machine.operationSucceeded()
        _ = machine.submit(.append("c", byteCount: 1))
        _ = machine.submit(.append("d", byteCount: 1))
        guard case .none = machine.syncTimerFired() else {
            Issue.record("busy: the sync must wait")
            return
        }
        guard case .sync(let periodic) = machine.operationSucceeded().next else {
            Issue.record("expected the due sync next")
            return
        }
        #expect(periodic.isEmpty)
        #expect(Self.written(machine.operationSucceeded().next)?.waiters == ["d"])
    }

    @Test func alwaysSyncedWritesLeaveNothingForTheTimer() {
        // Under the always policy each write is fsynced, so the timer has nothing to do.
        var machine = Machine(maxGroupBytes: 1000, syncEveryWrite: true)
        _ = machine.submit(.append("a", byteCount: 1))
        _ = machine.operationSucceeded()
        #expect(!machine.hasUnsyncedWrites)
        guard case .none = machine.syncTimerFired() else {
            Issue.record("expected no sync")
            return
        }
    }
}
