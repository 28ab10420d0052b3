import Metrics

/// The store's own metrics (swift-metrics; the executable picks the backend that `/metrics` shows).
struct StoreMetrics: Sendable {
    let samplesAppended = Counter(label: "pivot_samples_appended_total")
    let histogramsAppended = Counter(label: "pivot_histograms_appended_total")
    let exemplarsAppended = Counter(label: "pivot_exemplars_appended_total")
    let exemplarsDroppedOutOfOrder = Counter(
        label: "pivot_exemplars_dropped_total", dimensions: [("reason", "out_of_order")])
    let exemplarsDroppedTooLong = Counter(
        label: "pivot_exemplars_dropped_total", dimensions: [("reason", "too_long")])
    let samplesRejectedOutOfOrder = Counter(
        label: "pivot_samples_rejected_total", dimensions: [("reason", "out_of_order")])
    let samplesRejectedDuplicate = Counter(
        label: "pivot_samples_rejected_total", dimensions: [("reason", "duplicate_timestamp")])
    let samplesRejectedHistogram = Counter(
        label: "pivot_samples_rejected_total", dimensions: [("reason", "invalid_histogram")])
    let seriesCreated = Counter(label: "pivot_series_created_total")
    let seriesRemoved = Counter(label: "pivot_series_removed_total")
    let headSeries = Gauge(label: "pivot_head_series")
    let headChunks = Gauge(label: "pivot_head_chunks")
    let walSize = Gauge(label: "pivot_wal_size_bytes")
    let storageSize = Gauge(label: "pivot_storage_size_bytes")
    let walReplayRecords = Gauge(label: "pivot_wal_replay_records")
    let walReplayDuration = Gauge(label: "pivot_wal_replay_duration_seconds")
    let walReplayTruncatedBytes = Gauge(label: "pivot_wal_replay_truncated_bytes")
    let walAppendFailures = Counter(label: "pivot_wal_append_failures_total")
    let checkpoints = Counter(label: "pivot_checkpoints_total")
    let checkpointFailures = Counter(label: "pivot_checkpoint_failures_total")
    let checkpointDuration = Gauge(label: "pivot_checkpoint_duration_seconds")
    let retentionRuns = Counter(label: "pivot_retention_runs_total")
    let retentionFailures = Counter(label: "pivot_retention_failures_total")
    let chunksRemoved = Counter(label: "pivot_retention_chunks_removed_total")
}
