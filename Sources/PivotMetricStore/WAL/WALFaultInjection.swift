/// Failures a test asks the writer to simulate, one per listed `errno`, in order. Each simulated
/// write failure first writes half of its bytes, like a write cut short by a full disk.
struct WALFaultInjection: Sendable {
    var writeErrors: [Int32] = []
    var syncErrors: [Int32] = []
    var truncateErrors: [Int32] = []

    mutating func nextWriteError() -> Int32? { writeErrors.isEmpty ? nil : writeErrors.removeFirst() }
    mutating func nextSyncError() -> Int32? { syncErrors.isEmpty ? nil : syncErrors.removeFirst() }
    mutating func nextTruncateError() -> Int32? { truncateErrors.isEmpty ? nil : truncateErrors.removeFirst() }
}
