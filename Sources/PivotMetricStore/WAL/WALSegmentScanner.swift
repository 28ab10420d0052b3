import Glibc

/// Reads one segment file record by record, checking each frame (see `WALRecordFormat`), and says
/// where the good part ends and why.
struct WALSegmentScanner {
    enum Problem: Hashable {
        /// A write cut short: a record running past the end of the file, zeros to the end, or a bad
        /// checksum on the very last record of the file.
        case torn(String)
        /// An unreadable record with more data after it.
        case corrupt(String)

        var reason: String {
            switch self {
            case .torn(let reason), .corrupt(let reason): reason
            }
        }
    }

    struct Result {
        var records = 0
        /// The offset just after the last good record (0 for an empty file).
        var validEnd = 0
        var fileSize = 0
        var problem: Problem?
    }

    let path: String
    /// Bytes read from the file at a time (records larger than this are read whole).
    var readSize = 1 << 20

    /// Scans the file, calling `body` with each good record's payload (valid only during the call).
    func scan(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Result {
        let descriptor = try WALFileSystem.open(path, flags: O_RDONLY)
        defer { close(descriptor) }
        var result = Result()
        let size = try WALFileSystem.fileSize(descriptor, path: path)
        result.fileSize = size
        guard size > 0 else { return result }

        var reader = BufferedReader(descriptor: descriptor, path: path, fileSize: size, readSize: readSize)
        defer { reader.buffer.deallocate() }
        let headerSize = WALRecordFormat.segmentHeaderSize
        guard size >= headerSize else {
            result.problem = .torn("the segment header is cut short (\(size) of \(headerSize) bytes)")
            return result
        }
        let header = try reader.bytes(at: 0, count: headerSize)
        guard header.elementsEqual(WALRecordFormat.segmentHeader) else {
            result.problem = try reader.isZero(from: 0)
                ? .torn("the segment holds only zero bytes")
                : .corrupt("the segment header is not a version 1 write-ahead log header")
            return result
        }
        var offset = headerSize
        result.validEnd = offset
        let recordHeaderSize = WALRecordFormat.recordHeaderSize
        while offset < size {
            let left = size - offset
            guard left >= recordHeaderSize else {
                result.problem = .torn("a record header at offset \(offset) is cut short (\(left) bytes left)")
                break
            }
            let frame = try reader.bytes(at: offset, count: recordHeaderSize)
            let length = Int(UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            let type = frame[4]
            let storedCRC = UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: 5, as: UInt32.self))
            let headerCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: frame[0..<5]))
            if type != WALRecordFormat.fullRecordType {
                result.problem = try reader.isZero(from: offset)
                    ? .torn("zero bytes from offset \(offset) to the end")
                    : .corrupt("the record at offset \(offset) has unknown type \(type)")
                break
            }
            guard length <= left - recordHeaderSize else {
                result.problem = .torn(
                    "the record at offset \(offset) needs \(length) payload bytes, \(left - recordHeaderSize) are left")
                break
            }
            let payload = try reader.bytes(at: offset + recordHeaderSize, count: length)
            guard CRC32C.checksum(payload, continuing: headerCRC) == storedCRC else {
                let end = offset + recordHeaderSize + length
                result.problem = end == size
                    ? .torn("the last record, at offset \(offset), fails its checksum")
                    : .corrupt("the record at offset \(offset) (\(length) bytes) fails its checksum")
                break
            }
            try body(payload)
            result.records += 1
            offset += recordHeaderSize + length
            result.validEnd = offset
        }
        return result
    }

    /// A window over the file; `bytes(at:count:)` is valid until the next call.
    struct BufferedReader {
        let descriptor: Int32
        let path: String
        let fileSize: Int
        let readSize: Int
        var buffer: UnsafeMutableRawBufferPointer
        var bufferOffset = 0
        var bufferCount = 0

        init(descriptor: Int32, path: String, fileSize: Int, readSize: Int) {
            self.descriptor = descriptor
            self.path = path
            self.fileSize = fileSize
            self.readSize = readSize
            buffer = .allocate(byteCount: Swift.min(readSize, fileSize), alignment: 16)
        }

        mutating func bytes(at offset: Int, count: Int) throws(WALError) -> UnsafeRawBufferPointer {
            if offset < bufferOffset || offset + count > bufferOffset + bufferCount {
                if count > buffer.count {
                    buffer.deallocate()
                    buffer = .allocate(byteCount: count, alignment: 16)
                }
                let wanted = Swift.min(buffer.count, fileSize - offset)
                bufferOffset = offset
                bufferCount = try WALFileSystem.read(descriptor, into: buffer.baseAddress!, count: wanted, at: offset, path: path)
                guard bufferCount >= count else {
                    throw WALError(.io, "cannot read \(path): the file shrank while it was read")
                }
            }
            let start = offset - bufferOffset
            return UnsafeRawBufferPointer(rebasing: buffer[start..<start + count])
        }

        /// Whether every byte from `offset` to the end of the file is zero.
        mutating func isZero(from offset: Int) throws(WALError) -> Bool {
            var position = offset
            while position < fileSize {
                let count = Swift.min(buffer.count, fileSize - position)
                let window = try bytes(at: position, count: count)
                if window.contains(where: { $0 != 0 }) { return false }
                position += count
            }
            return true
        }
    }
}
