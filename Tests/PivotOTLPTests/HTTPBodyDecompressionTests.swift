import CZlib
import PivotOTLP
import Testing

/// gzip (or zlib `deflate`) with zlib itself, for inputs to the decoder.
func compress(_ input: [UInt8], gzip: Bool) -> [UInt8] {
    var stream = z_stream()
    deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
    var input = input
    let written = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = UInt32(target.count)
            deflate(&stream, Z_FINISH)
            return target.count - Int(stream.avail_out)
        }
    }
    return Array(output[0..<written])
}

@Suite struct HTTPBodyDecompressionTests {
    @Test func gzipAndDeflateBodiesAreInflated() throws {
        // gzip and deflate bodies come back byte for byte; no encoding passes the body through.
        let body = Array("hello OTLP ".utf8) + (0..<5_000).map { UInt8($0 % 251) }
        #expect(try HTTPBodyDecompression.decode(compress(body, gzip: true), encoding: "gzip", maxBytes: 1 << 20) == body)
        #expect(try HTTPBodyDecompression.decode(compress(body, gzip: false), encoding: "deflate", maxBytes: 1 << 20) == body)
        #expect(try HTTPBodyDecompression.decode(body, encoding: nil, maxBytes: 1 << 20) == body)
    }

    @Test func aCompressionBombIsRefusedAtTheLimit() {
        // 64 MB of zeros gzip to a few kilobytes; decompression stops at the limit instead of allocating.
        let bomb = compress([UInt8](repeating: 0, count: 64 << 20), gzip: true)
        #expect(bomb.count < 400_000)
        #expect {
            try HTTPBodyDecompression.decode(bomb, encoding: "gzip", maxBytes: 1 << 20)
        } throws: { ($0 as? HTTPBodyDecompression.Failure)?.kind == .tooLarge }
    }

    @Test func corruptDataAndUnknownEncodingsAreRefused() {
        // Bytes that are not gzip are corrupt; br is not an encoding Pivot reads.
        #expect {
            try HTTPBodyDecompression.decode([1, 2, 3, 4, 5], encoding: "gzip", maxBytes: 1 << 20)
        } throws: { ($0 as? HTTPBodyDecompression.Failure)?.kind == .corrupt }
        #expect {
            try HTTPBodyDecompression.decode([1], encoding: "br", maxBytes: 1 << 20)
        } throws: { ($0 as? HTTPBodyDecompression.Failure)?.kind == .unsupportedEncoding }
    }
}
