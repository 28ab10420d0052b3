import Logging
import PivotHTTP
import PivotIngest
import PivotMetricStore
import PivotTraceStore
import ServiceLifecycle

/// Owns the storage directory for the life of the process: locks it, opens the metric store
/// (replaying the write-ahead log), hands the backend to the HTTP handlers and marks the server
/// ready; on shutdown, after the listeners have stopped (the service group stops services in
/// reverse order), it closes the store cleanly.
struct StorageService: Service {
    let configuration: ServeConfiguration
    let readiness: Readiness
    let backend: BackendSlot
    let admission: IngestAdmission
    let logger: Logger

    func run() async throws {
        let lock = try DirectoryLock(directory: configuration.storagePath)
        defer { lock.release() }
        var options = MetricStoreOptions(path: configuration.storagePath + "/metrics")
        options.retention = configuration.retentionMilliseconds
        options.outOfOrderTimeWindow = configuration.outOfOrderTimeWindowMilliseconds
        options.walSync = configuration.walSync
        options.maxActiveSeries = configuration.maxActiveSeries
        let store: MetricStore
        do {
            store = try await MetricStore.open(options: options, logger: logger)
        } catch {
            throw StartupError("cannot open the metric store in --storage.path=\(configuration.storagePath): \(error.message)")
        }
        let traces: TraceStore
        do {
            traces = try await TraceStore.open(
                options: TraceStoreOptions(
                    path: configuration.storagePath + "/traces",
                    retentionNanos: UInt64(configuration.traceRetentionMilliseconds) * 1_000_000),
                logger: logger)
        } catch {
            await store.close()
            throw StartupError("cannot open the trace store in --storage.path=\(configuration.storagePath): \(error.message)")
        }
        backend.set(Backend(
            ingestor: Ingestor(store: store), queryable: store, exemplars: store, metadata: store, stats: store,
            traces: traces, traceWriter: traces))
        readiness.markReady()
        logger.info("storage ready", metadata: ["path": "\(configuration.storagePath)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await MemoryGuard(admission: admission, store: store, logger: logger).run() }
            group.addTask {
                // Trace retention: expired traces are deleted every ten minutes (the metric store runs its own).
                while !Task.isCancelled {
                    let now = UInt64(max(0, OTLPMetricsReceiver.wallClock())) * 1_000_000
                    do {
                        let deleted = try await traces.deleteExpired(nowUnixNano: now)
                        if deleted > 0 { logger.info("trace retention", metadata: ["deleted_traces": "\(deleted)"]) }
                    } catch {
                        logger.error("trace retention failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: .seconds(600))
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        readiness.markNotReady()
        backend.set(nil)
        logger.info("closing storage", metadata: ["path": "\(configuration.storagePath)"])
        await traces.close()
        await store.close()
        logger.info("storage closed", metadata: ["path": "\(configuration.storagePath)"])
    }
}
