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
        // 3: sealed chunks in a table appended in write order (its pages fill up instead of splitting
        // where each series' new chunk lands), open chunks in a table of their own (one row per
        // series, rewritten as the chunk grows), and a view over both for readers. Existing rows all
        // become sealed rows: an open chunk among them is superseded by its open row at the next
        // checkpoint, and replaced when it is sealed.
        """
        ALTER TABLE chunks RENAME TO chunks_v2;
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY NOT NULL,
            series_id INTEGER NOT NULL,
            min_t INTEGER NOT NULL,
            max_t INTEGER NOT NULL,
            data BLOB NOT NULL,
            crc INTEGER
        );
        INSERT INTO chunks (series_id, min_t, max_t, data, crc)
            SELECT series_id, min_t, max_t, data, crc FROM chunks_v2 ORDER BY series_id, min_t;
        DROP TABLE chunks_v2;
        CREATE UNIQUE INDEX chunks_by_series ON chunks (series_id, min_t);
        CREATE TABLE open_chunks (
            series_id INTEGER PRIMARY KEY NOT NULL,
            min_t INTEGER NOT NULL,
            max_t INTEGER NOT NULL,
            data BLOB NOT NULL,
            crc INTEGER
        );
        CREATE VIEW all_chunks AS
            SELECT series_id, min_t, max_t, data, crc, 0 AS open FROM chunks
            UNION ALL
            SELECT series_id, min_t, max_t, data, crc, 1 AS open FROM open_chunks;
        """,
        // 4: exemplars in blocks, one row per series and checkpoint (`ExemplarBlock`), appended in
        // write order. Rows of the `exemplars` table written before stay there: they are read and
        // expired as before, and no new ones are added.
        """
        CREATE TABLE exemplar_blocks (
            id INTEGER PRIMARY KEY NOT NULL,
            series_id INTEGER NOT NULL,
            min_t INTEGER NOT NULL,
            max_t INTEGER NOT NULL,
            data BLOB NOT NULL,
            crc INTEGER NOT NULL
        );
        CREATE INDEX exemplar_blocks_by_series ON exemplar_blocks (series_id, max_t);
        """,
        // 5: label names and values stored once, series rows as symbol ids (`SeriesRow`). Rows
        // written before keep their label set encoding and are read as they are.
        """
        CREATE TABLE label_symbols (
            id INTEGER PRIMARY KEY NOT NULL,
            text BLOB NOT NULL
        );
        """,
    ]

    static let migrator = SchemaMigrator(migrations: migrations)

    /// `store_facts` key: the longest span (max_t - min_t, milliseconds) any chunk may have, so
    /// range queries can seek by `min_t`.
    static let maxChunkSpanKey = "max_chunk_span_ms"
}
