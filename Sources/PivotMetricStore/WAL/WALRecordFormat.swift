/// The on-disk format of the write-ahead log, version 1.
///
/// ```
/// segment file   directory/NNNNNNNN (8 decimal digits, numbered from 1, consecutive)
///   bytes 0..<8  header: "PVWL", format version (1), three zero bytes
///   then records, back to back, until the end of the file:
///     length   UInt32 little-endian: payload bytes
///     type     UInt8: 1 = a whole record (0 and 2...255 are never written)
///     crc      UInt32 little-endian: CRC-32C of the length, type and payload bytes
///     payload  `length` bytes
/// ```
///
/// A record that runs past the end of the file, or zero bytes up to the end of the file, is a torn
/// tail (a write cut short by a crash). Any other unreadable record (bad type, checksum mismatch) is
/// corruption. Files with other names in the directory (`LOCK`, `*.corrupt`) are not segments.
enum WALRecordFormat {
    static let segmentHeader: [UInt8] = [0x50, 0x56, 0x57, 0x4C, 1, 0, 0, 0]
    static let segmentHeaderSize = 8
    static let recordHeaderSize = 9
    static let fullRecordType: UInt8 = 1

    /// Appends one framed record holding `payload` to `buffer`.
    static func frame(_ payload: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: recordHeaderSize))
        buffer.append(contentsOf: payload)
        sealRecord(in: &buffer, at: start)
    }

    /// Fills in the header of the record starting at `start`, whose payload runs to the end of `buffer`.
    static func sealRecord(in buffer: inout [UInt8], at start: Int) {
        let length = UInt32(buffer.count - start - recordHeaderSize)
        buffer.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: length.littleEndian, toByteOffset: start, as: UInt32.self)
            bytes[start + 4] = fullRecordType
            let headerCRC = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<start + 5]))
            let crc = CRC32C.checksum(
                UnsafeRawBufferPointer(rebasing: bytes[(start + recordHeaderSize)...]), continuing: headerCRC)
            bytes.storeBytes(of: crc.littleEndian, toByteOffset: start + 5, as: UInt32.self)
        }
    }

    /// The segment file name for `segment`: eight digits, zero-padded.
    static func fileName(_ segment: Int) -> String {
        let digits = String(segment)
        return digits.count >= 8 ? digits : String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The segment number of a file name, or nil when the name is not a segment's.
    static func segmentNumber(_ name: String) -> Int? {
        let utf8 = name.utf8
        guard utf8.count == 8, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(name)
    }
}
