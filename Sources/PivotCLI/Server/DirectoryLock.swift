#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on the storage directory (`<path>/lock`), so two Pivot processes never share one
/// store. Released when the process exits, whatever the way.
final class DirectoryLock: Sendable {
    private let descriptor: Int32

    init(directory: String) throws(StartupError) {
        let path = directory + "/lock"
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StartupError("cannot open lock file \(path): \(errnoMessage())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StartupError("--storage.path=\(directory) is in use by another Pivot process (lock file \(path))")
        }
        descriptor = fd
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
