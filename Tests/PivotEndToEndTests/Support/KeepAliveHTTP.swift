import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 connection kept open across requests, over a blocking socket: requests are written
/// as given (several at once to pipeline them) and answers read one at a time by `Content-Length`.
final class KeepAliveHTTP {
    let port: Int
    private let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 30) throws {
        self.port = port
        fd = try RawHTTP.connect(port: port, timeoutSeconds: timeoutSeconds)
    }

    deinit { close(fd) }

    /// A GET of `target`, as bytes to send.
    func get(_ target: String) -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
    }

    /// A form POST of `target` with an already encoded `form`, as bytes to send.
    func postForm(_ target: String, _ form: String) -> [UInt8] {
        Array(("POST \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(form.utf8.count)\r\n\r\n" + form).utf8)
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw PivotProcessError("send failed: errno \(errno)") }
            sent += n
        }
    }

    /// The next answer on the connection; it must have a `Content-Length`.
    func readResponse() throws -> RawHTTP.Response {
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let split = (0..<max(0, pending.count - 3)).first(where: { pending[$0..<($0 + 4)].elementsEqual(separator) }) {
                let head = try RawHTTP.parse(Array(pending[..<(split + 4)]))
                guard let length = head.headers["content-length"].flatMap({ Int($0) }) else {
                    throw PivotProcessError("an answer without Content-Length")
                }
                if pending.count >= split + 4 + length {
                    let response = RawHTTP.Response(
                        status: head.status, headers: head.headers, body: Data(pending[(split + 4)..<(split + 4 + length)]))
                    pending.removeFirst(split + 4 + length)
                    return response
                }
            }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw PivotProcessError(n == 0 ? "the server closed the connection" : "receive failed: errno \(errno)") }
            pending += buffer[0..<n]
        }
    }
}
