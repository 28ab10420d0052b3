import Foundation
import CDispatch  // `timespec` is declared in Glibc and in CDispatch, which NIO makes visible here
import Glibc

/// Process-wide resource readings for the ingest benchmark (Linux).
enum ProcessStats {
    /// User plus system CPU time of the whole process so far, in seconds (`getrusage`).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// CPU time of the calling thread so far, in seconds (`CLOCK_THREAD_CPUTIME_ID`). Meaningful only
    /// between two readings on the same thread (synchronous code, no `await` in between).
    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Resident set size in bytes (`VmRSS` of /proc/self/status) after returning free heap pages to
    /// the system with `malloc_trim(0)`; 0 where /proc is missing.
    static func trimmedResidentBytes() -> Int {
        _ = mallocTrim(0)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024
        }
        return 0
    }

    /// Total size in bytes of the regular files under `path`.
    static func directoryBytes(_ path: String) -> Int {
        let manager = FileManager.default
        let files = (try? manager.subpathsOfDirectory(atPath: path)) ?? []
        return files.reduce(0) { total, file in
            let attributes = try? manager.attributesOfItem(atPath: path + "/" + file)
            guard (attributes?[.type] as? FileAttributeType) == .typeRegular else { return total }
            return total + (attributes?[.size] as? Int ?? 0)
        }
    }

    /// Seconds in a `Duration`.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32

/// glibc's `malloc_stats`: prints per-arena heap use to standard error.
@_silgen_name("malloc_stats")
func mallocStats()
