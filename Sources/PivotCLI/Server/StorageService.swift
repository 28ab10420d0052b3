import Logging
import PivotHTTP
import PivotIngest
import PivotMetricStore
import ServiceLifecycle

/// Owns the storage directory for the life of the process: locks it, opens the metric store
/// (replaying the write-ahead log), hands the backend to the HTTP handlers and marks the server
/// ready; on shutdown, after the listeners have stopped (the service group stops services in
/// reverse order), it closes the store cleanly.
struct StorageService: Service {
    let configuration: ServeConfiguration
    let readiness: Readiness
    let backend: BackendSlot
    let logger: Logger

    func run() async throws {
        let lock = try DirectoryLock(directory: configuration.storagePath)
        defer { lock.release() }
        var options = MetricStoreOptions(path: configuration.storagePath + "/metrics")
        options.retention = configuration.retentionMilliseconds
        options.outOfOrderTimeWindow = configuration.outOfOrderTimeWindowMilliseconds
        options.walSync = configuration.walSync
        let store: MetricStore
        do {
            store = try await MetricStore.open(options: options, logger: logger)
        } catch {
            throw StartupError("cannot open the metric store in --storage.path=\(configuration.storagePath): \(error.message)")
        }
        backend.set(Backend(ingestor: Ingestor(store: store), queryable: store, exemplars: store, metadata: store, stats: store))
        readiness.markReady()
        logger.info("storage ready", metadata: ["path": "\(configuration.storagePath)"])
        try? await gracefulShutdown()
        readiness.markNotReady()
        backend.set(nil)
        await store.close()
        logger.info("storage closed", metadata: ["path": "\(configuration.storagePath)"])
    }
}
