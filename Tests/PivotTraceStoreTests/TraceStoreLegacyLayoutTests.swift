import Foundation
import PivotModel
import PivotSQLite
import PivotStorage
import Testing
@testable import PivotTraceStore

@Suite struct TraceStoreLegacyLayoutTests {
    @Test func tracesStoredInTheLayoutBeforeVersion3AreConverted() async throws {
        // A database of schema version 2 (span fields in a `spans` table, chunks of attributes and bytes)
        // opens with every span readable, searchable and recognised as stored; the old table is gone.
        let directory = TemporaryDirectory()
        let sent = batch(service: "api", [
            TestSpan(1, 1, "GET /", start: 1, millis: 50, [SpanAttribute(key: "k", value: .string("v"))]),
            TestSpan(1, 2, parent: 1, "SELECT", start: 2, millis: 5, status: 2),
        ])
        do {
            try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
            let database = try SQLiteDatabase(path: directory.path + "/traces.db")
            try SchemaMigrator(migrations: Array(TraceStoreSchema.migrator.migrations.prefix(2))).migrate(database)
            let resource = try database.prepare(
                "INSERT INTO resources (id, hash, bytes, schema_url, service, attrs) VALUES (1, 0, ?1, ?2, 'api', ?3)")
            try resource.bind(sent.resources[0].bytes, at: 1)
            try resource.bind(sent.resources[0].schemaURL, at: 2)
            try resource.bind(AttributeEncoding.encode(sent.resources[0].attributes), at: 3)
            try resource.run()
            let scope = try database.prepare(
                "INSERT INTO scopes (id, hash, bytes, schema_url, name, version) VALUES (1, 0, ?1, ?2, ?3, ?4)")
            try scope.bind(sent.scopes[0].bytes, at: 1)
            try scope.bind(sent.scopes[0].schemaURL, at: 2)
            try scope.bind(sent.scopes[0].name, at: 3)
            try scope.bind(sent.scopes[0].version, at: 4)
            try scope.run()
            var legacy: [UInt8] = [SpanChunk.legacyRaw]
            for span in sent.spans {
                let attributes = AttributeEncoding.encode(span.attributes)
                withUnsafeBytes(of: UInt32(attributes.count).littleEndian) { legacy += $0 }
                legacy += attributes
                withUnsafeBytes(of: UInt32(span.bytes.count).littleEndian) { legacy += $0 }
                legacy += span.bytes
            }
            let chunk = try database.prepare("INSERT INTO span_chunks (id, data) VALUES (5, ?1)")
            try chunk.bind(legacy, at: 1)
            try chunk.run()
            let row = try database.prepare("""
                INSERT INTO spans (trace_id, span_id, chunk_id, slot, parent, resource_id, scope_id, name, kind, start, end, status)
                VALUES (?1, ?2, 5, ?3, ?4, 1, 1, ?5, ?6, ?7, ?8, ?9)
                """)
            for (slot, span) in sent.spans.enumerated() {
                try row.bind(span.traceID, at: 1)
                try row.bind(span.spanID, at: 2)
                try row.bind(slot, at: 3)
                try row.bind(span.parentSpanID, at: 4)
                try row.bind(span.name, at: 5)
                try row.bind(Int64(span.kind), at: 6)
                try row.bind(Int64(span.startTimeUnixNano), at: 7)
                try row.bind(Int64(span.endTimeUnixNano), at: 8)
                try row.bind(Int64(span.statusCode), at: 9)
                try row.run()
            }
            let trace = try database.prepare("INSERT INTO traces VALUES (?1, ?2, ?3, 'api', 'GET /')")
            try trace.bind(traceID(1), at: 1)
            try trace.bind(Int64(sent.spans[0].startTimeUnixNano), at: 2)
            try trace.bind(Int64(sent.spans[0].endTimeUnixNano), at: 3)
            try trace.run()
            let service = try database.prepare("INSERT INTO trace_services VALUES ('api', ?2, ?1, ?3)")
            try service.bind(traceID(1), at: 1)
            try service.bind(Int64(sent.spans[0].startTimeUnixNano), at: 2)
            try service.bind(Int64(sent.spans[0].endTimeUnixNano), at: 3)
            try service.run()
            database.close()
        }
        try await withStore(directory) { store in
            let trace = try #require(try store.stored(1))
            #expect(trace.spans == sent.spans)
            #expect(trace.resources == sent.resources && trace.scopes == sent.scopes)
            let found = try store.searchTraces(TraceSearchQuery(serviceName: "api"))
            #expect(found.first?.matchedSpans.first?.attributes == sent.spans[0].attributes)
            #expect(try await store.append(sent) == TraceAppendResult(spansWritten: 0, duplicateSpans: 2))
            #expect(try store.rowCount("span_chunks") == 1)
            #expect(throws: (any Error).self) { try store.rowCount("legacy_spans") }
            #expect(throws: (any Error).self) { try store.rowCount("legacy_trace_services") }
            #expect(try store.searchTraces(TraceSearchQuery(serviceName: "db")).isEmpty)
        }
    }
}
