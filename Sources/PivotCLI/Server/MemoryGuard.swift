import CPivotSupport
import Foundation
import Logging
import Metrics
import PivotIngest
import PivotMetricStore

/// Keeps resident memory under `--storage.max-memory`: samples the process's resident set every
/// `interval` and feeds it to `IngestAdmission` (which refuses writes above the bound), and while over
/// the bound relieves it — a checkpoint moves the head's chunks into SQLite, and freed heap is handed
/// back to the kernel — at most every `reliefInterval`.
struct MemoryGuard: Sendable {
    let admission: IngestAdmission
    let store: MetricStore
    let logger: Logger
    /// How often the resident set is read. Default 100 ms.
    var interval: Duration = .milliseconds(100)
    /// Least time between two reliefs. Default 2 s.
    var reliefInterval: Duration = .seconds(2)

    private let resident = Gauge(label: "pivot_resident_memory_bytes")

    init(admission: IngestAdmission, store: MetricStore, logger: Logger) {
        self.admission = admission
        self.store = store
        self.logger = logger
    }

    func run() async {
        guard admission.limits.maxMemoryBytes != nil else { return }
        var lastRelief = ContinuousClock.now - reliefInterval
        while !Task.isCancelled {
            if let bytes = Self.residentBytes() {
                resident.record(bytes)
                if admission.observe(residentBytes: bytes) {
                    logger.warning("resident memory over the bound: refusing writes until it falls", metadata: [
                        "resident_bytes": "\(bytes)", "max_memory_bytes": "\(admission.limits.maxMemoryBytes ?? 0)",
                    ])
                }
                if admission.isOverMemory && ContinuousClock.now - lastRelief >= reliefInterval {
                    lastRelief = ContinuousClock.now
                    do {
                        try await store.checkpoint()
                    } catch {
                        logger.warning("memory relief: checkpoint failed", metadata: ["error": "\(error.message)"])
                    }
                    pivot_release_free_memory()
                }
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// The process's resident set in bytes (`/proc/self/statm`), nil where there is none.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Memory the process may use: the cgroup's limit (`memory.max`, v2) when one is set, else the
    /// machine's physical memory.
    static func availableBytes() -> Int {
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
            let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
        {
            return min(limit, Int(ProcessInfo.processInfo.physicalMemory))
        }
        return Int(ProcessInfo.processInfo.physicalMemory)
    }
}
