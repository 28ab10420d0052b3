import CZlib

/// Decompresses OTLP/HTTP request bodies sent with `Content-Encoding: gzip` or `deflate`, refusing
/// to produce more than a limit (a small body that expands without bound is refused, not allocated).
public enum HTTPBodyDecompression {
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Kind: Hashable, Sendable { case tooLarge, corrupt, unsupportedEncoding }
        public var kind: Kind
        public var message: String
        public var description: String { message }
    }

    /// The body as sent when `encoding` is empty or `identity`; inflated for `gzip` and `deflate`.
    public static func decode(_ body: [UInt8], encoding: String?, maxBytes: Int) throws(Failure) -> [UInt8] {
        switch String((encoding ?? "").lowercased().filter { $0 != " " }) {
        case "", "identity":
            return body
        case "gzip":
            return try inflate(body, windowBits: 15 + 16, maxBytes: maxBytes)
        case "deflate":
            return try inflate(body, windowBits: 15, maxBytes: maxBytes)
        case let other:
            throw Failure(kind: .unsupportedEncoding, message: "unsupported Content-Encoding \"\(other)\" (gzip, deflate or none)")
        }
    }

    static func inflate(_ input: [UInt8], windowBits: Int32, maxBytes: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(kind: .corrupt, message: "cannot start decompression")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(maxBytes, max(4096, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var failure: Failure?
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = buffer.count - Int(stream.avail_out)
                    if output.count + produced > maxBytes {
                        failure = Failure(kind: .tooLarge, message: "decompressed body larger than the limit of \(maxBytes) bytes")
                        return
                    }
                    output.append(contentsOf: buffer[0..<produced])
                }
                if failure != nil { return }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if let failure { throw failure }
        guard status == Z_STREAM_END else {
            throw Failure(kind: .corrupt, message: "the body is not valid \(windowBits > 15 ? "gzip" : "deflate") data")
        }
        return output
    }
}
