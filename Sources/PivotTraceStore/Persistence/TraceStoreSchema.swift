import PivotSQLite

/// The trace database's tables. Times are Unix nanoseconds (as signed 64-bit integers).
///
/// - `span_chunks`: the spans of one trace that came in one append (ids, name, kind, times, status,
///   resource and scope ids, attributes and span bytes; `SpanChunk`, Snappy-compressed), appended in
///   arrival order (sequential writes), with that part's summary: trace id, first start, last end,
///   service mask, and the root service and name when the root span is in it.
/// - `trace_index.merged_through`: the last chunk whose summary is folded into `traces`. Later
///   chunks are summarised in memory (`PendingTraces`) and folded in by the thousands (`merge`), so
///   an append writes no random-key rows; opening the store rebuilds the pending summaries.
/// - `traces`: per trace, first start, last end, root service and name, and its chunk ids, as of the
///   last merge; keyed by trace id (a trace is one lookup, then its few chunks) and indexed by start
///   (searches walk it newest first; retention walks it oldest first).
/// - `traces.services`: a 63-bit mask of the services taking part (bit `code % 63` of each service's
///   `services` row). `traces_start` covers (start, end, services), so a search by time, duration and
///   service walks one index newest first and reads a trace row only for candidates.
/// - `resources`, `scopes`: stored once per distinct content (bytes and schema URL).
/// - `tag_keys`, `tag_values`, `operations`: small distinct tables for listings.
///
/// Migration 1 kept one `span_data` row per span; migration 2 replaces it with `span_chunks`. The
/// earlier layout never shipped in a release, so migration 2 drops its spans instead of converting them.
/// Migration 3 moves each span's fields from a row of `spans` into its chunk, lists a trace's chunks
/// in its `traces` row (`TraceChunkList`) and replaces the per-service rows of `trace_services` by
/// the trace's service mask, so an append writes one row per trace instead of one per span and one
/// per service: random-key rows cost a page write each. It renames `spans` and `trace_services` to
/// `legacy_…`; `LegacyLayout.convert` rewrites them into the new layout and drops them.
enum TraceStoreSchema {
    static let migrator = SchemaMigrator(migrations: [
        """
        CREATE TABLE resources (
            id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, bytes BLOB NOT NULL, schema_url TEXT NOT NULL,
            service TEXT NOT NULL, attrs BLOB NOT NULL);
        CREATE INDEX resources_hash ON resources(hash);
        CREATE TABLE scopes (
            id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, bytes BLOB NOT NULL, schema_url TEXT NOT NULL,
            name TEXT NOT NULL, version TEXT NOT NULL);
        CREATE INDEX scopes_hash ON scopes(hash);
        CREATE TABLE span_data (id INTEGER PRIMARY KEY, attrs BLOB NOT NULL, bytes BLOB NOT NULL);
        CREATE TABLE spans (
            trace_id BLOB NOT NULL, span_id BLOB NOT NULL, data_id INTEGER NOT NULL, parent BLOB NOT NULL,
            resource_id INTEGER NOT NULL, scope_id INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
            start INTEGER NOT NULL, end INTEGER NOT NULL, status INTEGER NOT NULL,
            PRIMARY KEY (trace_id, span_id)) WITHOUT ROWID;
        CREATE TABLE traces (
            trace_id BLOB PRIMARY KEY, start INTEGER NOT NULL, end INTEGER NOT NULL,
            root_service TEXT NOT NULL, root_name TEXT NOT NULL) WITHOUT ROWID;
        CREATE INDEX traces_start ON traces(start);
        CREATE INDEX traces_end ON traces(end);
        CREATE TABLE trace_services (
            service TEXT NOT NULL, trace_id BLOB NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
            PRIMARY KEY (service, trace_id)) WITHOUT ROWID;
        CREATE INDEX trace_services_start ON trace_services(service, start);
        CREATE TABLE tag_keys (scope INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (scope, key)) WITHOUT ROWID;
        CREATE TABLE tag_values (
            key TEXT NOT NULL, scope INTEGER NOT NULL, type INTEGER NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (key, scope, type, value)) WITHOUT ROWID;
        CREATE TABLE operations (
            service TEXT NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
            PRIMARY KEY (service, name, kind)) WITHOUT ROWID;
        """,
        """
        DROP TABLE spans;
        DROP TABLE span_data;
        DELETE FROM traces;
        DROP INDEX traces_end;
        DROP TABLE trace_services;
        CREATE TABLE trace_services (
            service TEXT NOT NULL, start INTEGER NOT NULL, trace_id BLOB NOT NULL, end INTEGER NOT NULL,
            PRIMARY KEY (service, start, trace_id)) WITHOUT ROWID;
        CREATE TABLE span_chunks (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE spans (
            trace_id BLOB NOT NULL, span_id BLOB NOT NULL, chunk_id INTEGER NOT NULL, slot INTEGER NOT NULL,
            parent BLOB NOT NULL, resource_id INTEGER NOT NULL, scope_id INTEGER NOT NULL, name TEXT NOT NULL,
            kind INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, status INTEGER NOT NULL,
            PRIMARY KEY (trace_id, span_id)) WITHOUT ROWID;
        """,
        """
        ALTER TABLE traces ADD COLUMN chunks BLOB NOT NULL DEFAULT x'';
        ALTER TABLE traces ADD COLUMN services INTEGER NOT NULL DEFAULT 0;
        DROP INDEX traces_start;
        CREATE INDEX traces_start ON traces(start, end, services);
        CREATE TABLE services (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        ALTER TABLE spans RENAME TO legacy_spans;
        ALTER TABLE trace_services RENAME TO legacy_trace_services;
        ALTER TABLE span_chunks RENAME TO legacy_span_chunks;
        CREATE TABLE span_chunks (
            id INTEGER PRIMARY KEY, trace_id BLOB NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
            services INTEGER NOT NULL, root_service TEXT, root_name TEXT, data BLOB NOT NULL);
        CREATE TABLE trace_index (merged_through INTEGER NOT NULL);
        INSERT INTO trace_index VALUES (0);
        """,
    ])
}
