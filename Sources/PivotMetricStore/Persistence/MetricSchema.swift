import PivotSQLite

/// The SQLite schema of `metrics.sqlite`, as numbered migrations (append-only: never edit a shipped
/// one). `docs/storage.md` describes the tables and the formats of their blobs.
enum MetricSchema {
    static let migrations: [String] = [
        // 1: series, chunks, native histograms, exemplars, metadata, store facts.
        """
        CREATE TABLE series (
            id INTEGER PRIMARY KEY NOT NULL,
            labels BLOB NOT NULL
        );
        CREATE TABLE chunks (
            series_id INTEGER NOT NULL,
            min_t INTEGER NOT NULL,
            max_t INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (series_id, min_t)
        ) WITHOUT ROWID;
        CREATE TABLE histograms (
            series_id INTEGER NOT NULL,
            t INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (series_id, t)
        ) WITHOUT ROWID;
        CREATE TABLE exemplars (
            series_id INTEGER NOT NULL,
            t INTEGER NOT NULL,
            value_bits INTEGER NOT NULL,
            labels BLOB NOT NULL,
            PRIMARY KEY (series_id, t, value_bits, labels)
        ) WITHOUT ROWID;
        CREATE TABLE metadata (
            metric TEXT PRIMARY KEY NOT NULL,
            type TEXT NOT NULL,
            help TEXT NOT NULL,
            unit TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE store_facts (
            key TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 2: a CRC-32C of each chunk's data, so a damaged BLOB is found and left out of reads.
        """
        ALTER TABLE chunks ADD COLUMN crc INTEGER;
        """,
    ]

    static let migrator = SchemaMigrator(migrations: migrations)

    /// `store_facts` key: the longest span (max_t - min_t, milliseconds) any chunk may have, so
    /// range queries can seek by `min_t`.
    static let maxChunkSpanKey = "max_chunk_span_ms"
}
