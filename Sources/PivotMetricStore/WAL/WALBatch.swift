/// Records framed for one `WriteAheadLog.append`, built without an array per record.
///
/// ```swift
/// var batch = WALBatch()
/// batch.appendRecord { buffer in encode(series, into: &buffer) }   // writes straight into the batch
/// try await wal.append(batch)
/// ```
public struct WALBatch: Sendable {
    /// The framed records, ready to write.
    public private(set) var bytes: [UInt8] = []
    public private(set) var recordCount = 0
    /// The largest payload in the batch, in bytes.
    public private(set) var largestRecord = 0

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public var isEmpty: Bool { recordCount == 0 }

    public mutating func append(record: [UInt8]) {
        record.withUnsafeBytes { append(record: $0) }
    }

    public mutating func append(record: UnsafeRawBufferPointer) {
        WALRecordFormat.frame(record, into: &bytes)
        recordCount += 1
        largestRecord = max(largestRecord, record.count)
    }

    /// Adds one record whose payload `write` appends to the buffer it is given (it must only append).
    /// When `write` throws, the batch is left as it was.
    public mutating func appendRecord<E: Error>(_ write: (inout [UInt8]) throws(E) -> Void) throws(E) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: WALRecordFormat.recordHeaderSize))
        do {
            try write(&bytes)
        } catch {
            bytes.removeSubrange(start...)
            throw error
        }
        precondition(bytes.count >= start + WALRecordFormat.recordHeaderSize, "appendRecord's body removed bytes")
        WALRecordFormat.sealRecord(in: &bytes, at: start)
        recordCount += 1
        largestRecord = max(largestRecord, bytes.count - start - WALRecordFormat.recordHeaderSize)
    }
}
