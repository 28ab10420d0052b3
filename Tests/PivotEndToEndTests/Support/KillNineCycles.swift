import Foundation
import Synchronization
import Testing

/// The crash harness shared by the crash tests: each cycle starts pivot on the same storage, runs
/// writers that send numbered batches concurrently, kills pivot with SIGKILL after a random 200–900 ms
/// and records which sequence numbers were acknowledged.
enum KillNineCycles {
    /// Runs `cycles` cycles of `writers` writers. `send(pivot, writer, sequence)` sends one batch and
    /// returns whether it was acknowledged, or nil when the server is gone. Returns the next sequence
    /// number of each writer (an unacknowledged batch may or may not be stored; later ones start after it).
    static func run(
        storage: String, cycles: Int, writers: Int, log: AcknowledgementLog, minimumDelayMilliseconds: Int = 200,
        send: @escaping @Sendable (PivotProcess, Int, Int) async -> Bool?
    ) async throws -> [Int] {
        var nextSequence = Array(repeating: 0, count: writers)
        var generator = SystemRandomNumberGenerator()
        for cycle in 0..<cycles {
            let pivot = try PivotProcess(storagePath: storage)
            try await pivot.waitUntilReady()
            let starts = nextSequence
            let sent = SequenceTracker(starts)
            let stopped = StopFlag()
            let writersTask = Task {
                await withTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            var sequence = starts[writer]
                            while !stopped.isSet {
                                sent.sent(writer: writer, sequence: sequence)
                                guard let acknowledged = await send(pivot, writer, sequence) else { return }
                                if acknowledged { log.record(writer: writer, sequence: sequence) }
                                sequence += 1
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: minimumDelayMilliseconds...900, using: &generator)))
            _ = try await pivot.stop(signal: SIGKILL)
            // Writers end on their own: every send to the killed server fails. The task is not
            // cancelled, because cancelling an URLSession request as it fails crashes
            // swift-corelibs-foundation ("a task that is not in the registry").
            stopped.set()
            await writersTask.value
            nextSequence = sent.snapshot
            #expect(!pivot.stderr.contains("Fatal error"), "cycle \(cycle): \(pivot.stderr)")
        }
        return nextSequence
    }
}

/// Tells the writers to stop after their current send.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() {
        flag.store(true, ordering: .releasing)
    }
}
