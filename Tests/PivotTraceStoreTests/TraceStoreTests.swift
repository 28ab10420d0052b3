import Foundation
import Logging
import PivotModel
import PivotStorage
import PivotTraceStore
import Testing

/// A temporary directory removed after the test.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "pivot-trace-store-\(UUID().uuidString)"
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func openStore(_ directory: TemporaryDirectory, retentionNanos: UInt64 = 15 * 86_400 * 1_000_000_000) throws -> TraceStore {
    try TraceStore.open(
        options: TraceStoreOptions(path: directory.path, retentionNanos: retentionNanos),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
}

func traceID(_ n: UInt8) -> [UInt8] { [UInt8](repeating: 0, count: 15) + [n] }
func spanID(_ n: UInt8) -> [UInt8] { [UInt8](repeating: 0, count: 7) + [n] }
let second: UInt64 = 1_000_000_000
let t0: UInt64 = 1_700_000_000 * second

/// A batch of one resource (`service`) and one scope with the given spans: (trace, span, parent, name, start s, duration ms, attributes).
func batch(
    service: String, host: String = "h1",
    _ spans: [(trace: UInt8, span: UInt8, parent: UInt8?, name: String, start: UInt64, millis: UInt64, attributes: [SpanAttribute])]
) -> SpanBatch {
    let resource = SpanBatch.Resource(
        bytes: Array("resource:\(service):\(host)".utf8), schemaURL: "https://schema/1", serviceName: service,
        attributes: [SpanAttribute(key: "service.name", value: .string(service)), SpanAttribute(key: "host.name", value: .string(host))])
    let scope = SpanBatch.Scope(bytes: Array("scope:lib".utf8), schemaURL: "https://schema/s", name: "lib", version: "1")
    return SpanBatch(resources: [resource], scopes: [scope], spans: spans.map { s in
        SpanBatch.Span(
            traceID: traceID(s.trace), spanID: spanID(s.span), parentSpanID: s.parent.map(spanID) ?? [], name: s.name,
            kind: s.parent == nil ? 2 : 3, startTimeUnixNano: t0 + s.start * second,
            endTimeUnixNano: t0 + s.start * second + s.millis * 1_000_000, statusCode: s.name.contains("fail") ? 2 : 0,
            attributes: s.attributes, resource: 0, scope: 0, bytes: Array("span \(s.trace)/\(s.span) \(s.name)".utf8))
    })
}

@Suite struct TraceStoreTests {
    @Test func aTraceComesBackWithTheBytesItWasStoredWith() async throws {
        // Spans, resources and scopes are returned byte for byte, spans ordered by start, indices rewritten.
        let directory = TemporaryDirectory()
        let store = try openStore(directory)
        defer { store.close() }
        let sent = batch(service: "api", [
            (1, 2, 1, "SELECT", 2, 5, [SpanAttribute(key: "db.system", value: .string("postgresql"))]),
            (1, 1, nil, "GET /", 1, 50, [SpanAttribute(key: "http.status_code", value: .int(200))]),
        ])
        let result = try await store.append(sent)
        #expect(result == TraceAppendResult(spansWritten: 2, duplicateSpans: 0))
        let trace = try #require(try store.trace(id: traceID(1), startUnixNano: nil, endUnixNano: nil))
        #expect(trace.spans.map(\.name) == ["GET /", "SELECT"])
        #expect(trace.spans.map(\.bytes) == [sent.spans[1].bytes, sent.spans[0].bytes])
        #expect(trace.resources == sent.resources)
        #expect(trace.scopes == sent.scopes)
        #expect(trace.spans[1].parentSpanID == spanID(1))
        #expect(trace.spans[0].attributes == [SpanAttribute(key: "http.status_code", value: .int(200))])
        #expect(try store.trace(id: traceID(9), startUnixNano: nil, endUnixNano: nil) == nil)
    }

    @Test func partialTracesMergeAndRetriedSpansAreSkipped() async throws {
        // Two requests with parts of one trace (one span sent twice) make one trace of three spans.
        let directory = TemporaryDirectory()
        let store = try openStore(directory)
        defer { store.close() }
        _ = try await store.append(batch(service: "api", [(1, 1, nil, "GET /", 1, 50, []), (1, 2, 1, "a", 2, 5, [])]))
        let second = try await store.append(batch(service: "db", [(1, 2, 1, "a", 2, 5, []), (1, 3, 2, "b", 3, 5, [])]))
        #expect(second == TraceAppendResult(spansWritten: 1, duplicateSpans: 1))
        let trace = try #require(try store.trace(id: traceID(1), startUnixNano: nil, endUnixNano: nil))
        #expect(trace.spans.map(\.name) == ["GET /", "a", "b"])
        #expect(trace.resources.map(\.serviceName) == ["api", "db"])
    }

    @Test func theTimeRangeOfALookupMustOverlapTheTrace() async throws {
        // start/end narrow a lookup: a trace outside them is not found.
        let directory = TemporaryDirectory()
        let store = try openStore(directory)
        defer { store.close() }
        _ = try await store.append(batch(service: "api", [(1, 1, nil, "GET /", 100, 50, [])]))
        #expect(try store.trace(id: traceID(1), startUnixNano: t0 + 99 * second, endUnixNano: t0 + 101 * second) != nil)
        #expect(try store.trace(id: traceID(1), startUnixNano: t0 + 200 * second, endUnixNano: nil) == nil)
        #expect(try store.trace(id: traceID(1), startUnixNano: nil, endUnixNano: t0 + 50 * second) == nil)
    }

    @Test func searchesFilterByServiceNameDurationTimeAndSpanPredicate() async throws {
        // Each criterion narrows the newest-first result; root service and name and match counts are reported.
        let directory = TemporaryDirectory()
        let store = try openStore(directory)
        defer { store.close() }
        _ = try await store.append(batch(service: "api", [
            (1, 1, nil, "GET /a", 10, 100, [SpanAttribute(key: "http.status_code", value: .int(200))]),
            (2, 1, nil, "GET /b", 20, 900, [SpanAttribute(key: "http.status_code", value: .int(500))]),
            (3, 1, nil, "GET /a", 30, 10, [SpanAttribute(key: "http.status_code", value: .int(200))]),
        ]))
        _ = try await store.append(batch(service: "db", [(2, 2, 1, "query fail", 20, 800, [])]))

        let all = try store.searchTraces(TraceSearchQuery())
        #expect(all.map(\.traceID) == [traceID(3), traceID(2), traceID(1)])
        #expect(all[1].rootServiceName == "api" && all[1].rootSpanName == "GET /b")
        #expect(all[1].durationNanos == 900_000_000)

        #expect(try store.searchTraces(TraceSearchQuery(serviceName: "db")).map(\.traceID) == [traceID(2)])
        #expect(try store.searchTraces(TraceSearchQuery(spanName: "GET /a")).map(\.traceID) == [traceID(3), traceID(1)])
        #expect(try store.searchTraces(TraceSearchQuery(minDurationNanos: 50_000_000)).map(\.traceID) == [traceID(2), traceID(1)])
        #expect(try store.searchTraces(TraceSearchQuery(maxDurationNanos: 50_000_000)).map(\.traceID) == [traceID(3)])
        #expect(try store.searchTraces(TraceSearchQuery(startUnixNano: t0 + 15 * second, endUnixNano: t0 + 25 * second)).map(\.traceID) == [traceID(2)])
        #expect(try store.searchTraces(TraceSearchQuery(limit: 1)).map(\.traceID) == [traceID(3)])

        let errors = try store.searchTraces(TraceSearchQuery(spanFilter: { span, _ in span.statusCode == 2 }))
        #expect(errors.map(\.traceID) == [traceID(2)])
        #expect(errors.first?.matchedSpans.map(\.name) == ["query fail"])
        #expect(errors.first?.matchedSpanServices == ["db"])
        let status500 = try store.searchTraces(TraceSearchQuery(spanFilter: { span, _ in
            span.attributes.contains(SpanAttribute(key: "http.status_code", value: .int(500)))
        }))
        #expect(status500.map(\.traceID) == [traceID(2)])
        let onHost = try store.searchTraces(TraceSearchQuery(spanFilter: { _, resource in
            resource.attributes.contains(SpanAttribute(key: "host.name", value: .string("h1"))) && resource.serviceName == "db"
        }))
        #expect(onHost.map(\.traceID) == [traceID(2)])
    }

    @Test func tagsServicesAndOperationsAreListed() async throws {
        // Tag names per scope, typed tag values, intrinsics, services and operations with kinds.
        let directory = TemporaryDirectory()
        let store = try openStore(directory)
        defer { store.close() }
        _ = try await store.append(batch(service: "api", [
            (1, 1, nil, "GET /", 1, 10, [SpanAttribute(key: "http.status_code", value: .int(200))]),
            (1, 2, 1, "SELECT", 1, 5, [SpanAttribute(key: "db.system", value: .string("postgresql"))]),
        ]))
        _ = try await store.append(batch(service: "web", [(2, 1, nil, "GET /", 1, 10, [SpanAttribute(key: "http.status_code", value: .int(404))])]))
        #expect(try store.traceTagNames(scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 100) == ["db.system", "http.status_code"])
        #expect(try store.traceTagNames(scope: .resource, startUnixNano: nil, endUnixNano: nil, limit: 100) == ["host.name", "service.name"])
        #expect(try store.traceTagValues("http.status_code", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.int(200), .int(404)])
        #expect(try store.traceTagValues("service.name", scope: .resource, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("api"), .string("web")])
        #expect(try store.traceTagValues("name", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("GET /"), .string("SELECT")])
        #expect(try store.traceTagValues("kind", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("server"), .string("client")])
        #expect(try store.traceServices() == ["api", "web"])
        #expect(try store.traceOperations(service: "api").map(\.name) == ["GET /", "SELECT"])
        #expect(try store.traceOperations(service: "api").map(\.kind) == [2, 3])
    }

    @Test func everythingSurvivesClosingAndReopening() async throws {
        // Spans, summaries, resources and listings are read back from the file after a reopen.
        let directory = TemporaryDirectory()
        let sent = batch(service: "api", [(1, 1, nil, "GET /", 1, 10, [SpanAttribute(key: "k", value: .string("v"))])])
        do {
            let store = try openStore(directory)
            _ = try await store.append(sent)
            store.close()
        }
        let store = try openStore(directory)
        defer { store.close() }
        let trace = try #require(try store.trace(id: traceID(1), startUnixNano: nil, endUnixNano: nil))
        #expect(trace.spans.map(\.bytes) == sent.spans.map(\.bytes))
        #expect(trace.resources == sent.resources)
        #expect(try store.searchTraces(TraceSearchQuery(serviceName: "api")).count == 1)
        #expect(try store.traceServices() == ["api"])
        #expect(try store.traceTagValues("k", scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("v")])
        // The same resource content is not stored twice after a reopen.
        _ = try await store.append(batch(service: "api", [(2, 1, nil, "GET /", 2, 10, [])]))
        #expect(try store.trace(id: traceID(2), startUnixNano: nil, endUnixNano: nil)?.resources == sent.resources)
    }

    @Test func retentionDeletesTracesThatEndedBeforeTheCutoff() async throws {
        // With a one-hour retention, a trace that ended two hours ago goes and a fresh one stays.
        let directory = TemporaryDirectory()
        let store = try openStore(directory, retentionNanos: 3_600 * second)
        defer { store.close() }
        _ = try await store.append(batch(service: "api", [(1, 1, nil, "old", 0, 10, []), (2, 1, nil, "new", 7_000, 10, [])]))
        let deleted = try store.deleteExpired(nowUnixNano: t0 + 7_200 * second)
        #expect(deleted == 1)
        #expect(try store.trace(id: traceID(1), startUnixNano: nil, endUnixNano: nil) == nil)
        #expect(try store.trace(id: traceID(2), startUnixNano: nil, endUnixNano: nil) != nil)
        #expect(try store.searchTraces(TraceSearchQuery()).map(\.traceID) == [traceID(2)])
    }

    @Test func anUnwritableDirectoryIsAClearError() throws {
        // A path under a regular file cannot hold the database: the error names the directory.
        let directory = TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.path, contents: Data("x".utf8))
        let error = #expect(throws: TraceStoreError.self) {
            _ = try TraceStore.open(
                options: TraceStoreOptions(path: directory.path + "/traces"),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }
        #expect(error?.message.contains(directory.path) == true)
    }
}
