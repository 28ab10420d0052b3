import Glibc

/// The POSIX calls the write-ahead log makes, each turning `errno` into a `WALError` that names the
/// file. No Foundation: `open`, `pwrite`, `fdatasync`, `ftruncate`, `rename`, `unlink`.
enum WALFileSystem {
    static func error(_ action: String, _ path: String, errno code: Int32 = errno) -> WALError {
        let reason = String(cString: strerror(code))
        let kind: WALError.Code = (code == ENOSPC || code == EDQUOT) ? .noSpace : .io
        return WALError(kind, "cannot \(action) \(path): \(reason)", errno: code)
    }

    /// Creates `path` and its missing parents.
    static func makeDirectory(_ path: String) throws(WALError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                let failure = error("create directory", prefix)
                throw WALError(.cannotOpen, failure.message, errno: failure.errno)
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw WALError(.cannotOpen, "cannot use \(path) as the write-ahead log directory: not a directory")
        }
    }

    /// Segment numbers and sizes in `directory`, ascending.
    static func listSegments(_ directory: String) throws(WALError) -> [(segment: Int, size: Int64)] {
        guard let handle = opendir(directory) else {
            let failure = error("list", directory)
            throw WALError(.cannotOpen, failure.message, errno: failure.errno)
        }
        defer { closedir(handle) }
        var segments: [(segment: Int, size: Int64)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard let segment = WALRecordFormat.segmentNumber(name) else { continue }
            var info = stat()
            guard stat(directory + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            segments.append((segment, Int64(info.st_size)))
        }
        return segments.sorted { $0.segment < $1.segment }
    }

    static func fileSize(_ descriptor: Int32, path: String) throws(WALError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw error("stat", path) }
        return Int(info.st_size)
    }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(WALError) -> Int32 {
        while true {
            let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw error("open", path) }
        }
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and `EINTR`.
    static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(WALError) {
        var written = 0
        while written < bytes.count {
            let result = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset + written))
            if result < 0 {
                if errno == EINTR { continue }
                throw error("write to", path)
            }
            if result == 0 { throw WALError(.io, "cannot write to \(path): the write made no progress") }
            written += result
        }
    }

    /// Writes all of `bytes` at `offset`.
    static func write(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(WALError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(WALError) in try write(descriptor, buffer, at: offset, path: path) }
        }
        try result.get()
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int, path: String) throws(WALError) -> Int {
        var total = 0
        while total < count {
            let result = pread(descriptor, buffer + total, count - total, off_t(offset + total))
            if result < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if result == 0 { break }
            total += result
        }
        return total
    }

    static func syncData(_ descriptor: Int32, path: String) throws(WALError) {
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw error("fsync", path) }
        }
    }

    static func truncate(_ descriptor: Int32, to size: Int, path: String) throws(WALError) {
        while ftruncate(descriptor, off_t(size)) != 0 {
            if errno != EINTR { throw error("truncate", path) }
        }
    }

    static func truncate(_ path: String, to size: Int) throws(WALError) {
        let descriptor = try open(path, flags: O_WRONLY)
        defer { close(descriptor) }
        try truncate(descriptor, to: size, path: path)
        try syncData(descriptor, path: path)
    }

    /// Fsyncs a directory so that created, renamed and removed entries are durable. Best effort on
    /// file systems that refuse it.
    static func syncDirectory(_ path: String) {
        guard let descriptor = try? open(path, flags: O_RDONLY | O_DIRECTORY) else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func rename(_ from: String, to: String) throws(WALError) {
        guard Glibc.rename(from, to) == 0 else { throw error("rename", from) }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func remove(_ path: String) throws(WALError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("remove", path) }
    }

    /// A name for setting `path` aside: `path.corrupt`, or `path.corrupt.N` when that exists.
    static func setAsideName(for path: String) -> String {
        var candidate = path + ".corrupt"
        var attempt = 1
        while exists(candidate) {
            candidate = path + ".corrupt.\(attempt)"
            attempt += 1
        }
        return candidate
    }

    /// How long `lockDirectory` waits for a lock that is held, in 10 ms tries. A process that spawns
    /// a child (tests do) lends the child a copy of every descriptor between fork and exec, so a
    /// lock released by `close()` can stay held for a moment after; a real second owner still fails.
    static let lockAttempts = 100

    /// Takes an exclusive `flock` on `directory/LOCK` (held until the descriptor is closed).
    static func lockDirectory(_ directory: String) throws(WALError) -> Int32 {
        let path = directory + "/LOCK"
        let descriptor: Int32
        do {
            descriptor = try open(path, flags: O_RDWR | O_CREAT)
        } catch {
            throw WALError(.cannotOpen, error.message, errno: error.errno)
        }
        var attempt = 1
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0, errno == EWOULDBLOCK, attempt < lockAttempts {
            attempt += 1
            usleep(10_000)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw WALError(.locked, "the write-ahead log directory \(directory) is in use by another process or log", errno: code)
            }
            throw error("lock", path, errno: code)
        }
        return descriptor
    }
}
