import PivotSQLite

/// The trace database's tables. Span rows (ids, name, times: small) are clustered by (trace id, span
/// id), so a trace is one range read; their bytes and attributes go to `span_data` in arrival order,
/// so the large part of every append is written sequentially instead of into random B-tree pages
/// (trace ids are random). `traces` and `trace_services` summarise each trace (and each service's part of it) for
/// searches that walk newest first with an index; resources and scopes are stored once per distinct
/// content. Times are Unix nanoseconds.
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
        """
    ])
}
