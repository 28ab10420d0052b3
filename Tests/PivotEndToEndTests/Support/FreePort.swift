import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ports this test process has handed out: the kernel may offer a just-closed port again before the
/// server it was meant for binds it, so two listeners could get the same one.
private let handedOut = Mutex<Set<Int>>([])

/// Asks the kernel for a free loopback TCP port that this process has not handed out before.
func freePort() -> Int {
    while true {
        let port = kernelFreePort()
        let fresh = handedOut.withLock { $0.insert(port).inserted }
        if fresh { return port }
    }
}

private func kernelFreePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
