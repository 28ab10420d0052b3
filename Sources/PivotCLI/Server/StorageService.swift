import Logging
import PivotHTTP
import ServiceLifecycle

/// Owns the storage directory for the life of the process: locks it, opens the stores (recovering
/// what the write-ahead log holds), marks the server ready, and on shutdown closes them cleanly after
/// the listeners have stopped (the service group stops services in reverse order).
struct StorageService: Service {
    let configuration: ServeConfiguration
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        let lock = try DirectoryLock(directory: configuration.storagePath)
        defer { lock.release() }
        logger.info("storage opened", metadata: ["path": "\(configuration.storagePath)"])
        readiness.markReady()
        try? await gracefulShutdown()
        readiness.markNotReady()
        logger.info("storage closed", metadata: ["path": "\(configuration.storagePath)"])
    }
}
