import Logging
import Metrics
import Synchronization

/// The checksum kept beside each chunk BLOB (`chunks.crc`, CRC-32C of `data`; schema version 2), and
/// what happens to a chunk that fails it: the chunk is left out of every read — the series keeps its
/// other chunks, the head and the write-ahead log — and the drop is logged and counted in
/// `pivot_storage_corrupt_chunks_total`. Rows written before version 2 have no checksum and are
/// checked only by decoding. Exemplar blocks (schema version 4) always carry a checksum and are
/// treated the same way.
enum ChunkIntegrity {
    private static let dropped = Atomic<Int>(0)
    private static let counter = Counter(label: "pivot_storage_corrupt_chunks_total")
    private static let logger = Logger(label: "pivot.storage")

    /// Chunks left out because they failed their checksum or could not be decoded, since start.
    static var droppedCount: Int { dropped.load(ordering: .relaxed) }

    static func checksum(_ data: [UInt8]) -> Int64 { Int64(CRC32C.checksum(data)) }

    /// The chunk in `data`, or nil — logged and counted — when it fails `crc` (nil: no checksum stored)
    /// or does not decode.
    static func verifiedChunk(_ data: [UInt8], crc: Int64?, series: Int64, minTime: Int64) -> PersistedChunk? {
        if let crc, crc != checksum(data) {
            report(series: series, minTime: minTime, reason: "checksum mismatch")
            return nil
        }
        guard let chunk = try? PersistedChunk(bytes: data) else {
            report(series: series, minTime: minTime, reason: "cannot decode")
            return nil
        }
        return chunk
    }

    /// The exemplars of an `exemplar_blocks` row, or nil — logged and counted like a chunk — when it
    /// fails `crc` or does not decode.
    static func verifiedExemplars(_ data: [UInt8], crc: Int64, series: SeriesID) -> [StoredExemplar]? {
        if crc != checksum(data) {
            report(series: Int64(series), minTime: nil, reason: "exemplar block checksum mismatch")
            return nil
        }
        guard let exemplars = ExemplarBlock.decode(data, series: series) else {
            report(series: Int64(series), minTime: nil, reason: "cannot decode an exemplar block")
            return nil
        }
        return exemplars
    }

    private static func report(series: Int64, minTime: Int64?, reason: String) {
        dropped.add(1, ordering: .relaxed)
        counter.increment()
        logger.error("dropped a corrupt chunk from reads", metadata: [
            "series_id": "\(series)", "min_t": "\(minTime.map(String.init) ?? "-")", "reason": "\(reason)",
        ])
    }
}
