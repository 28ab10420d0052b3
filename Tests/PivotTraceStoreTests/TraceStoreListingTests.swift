import PivotModel
import PivotStorage
import Testing
@testable import PivotTraceStore

@Suite struct TraceStoreListingTests {
    @Test func tagNamesAndValuesAreListedPerScopeWithTheirTypes() async throws {
        // Span and resource keys are listed apart; values keep their types and come sorted.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "api", [
                TestSpan(1, 1, "GET /", start: 1, millis: 10, [SpanAttribute(key: "http.status_code", value: .int(404)), SpanAttribute(key: "ok", value: .bool(true))]),
                TestSpan(1, 2, parent: 1, "SELECT", start: 1, millis: 5, [SpanAttribute(key: "db.system", value: .string("postgresql")), SpanAttribute(key: "ratio", value: .double(0.25))]),
            ]))
            _ = try await store.append(batch(service: "web", [
                TestSpan(2, 1, "GET /", start: 1, millis: 10, [SpanAttribute(key: "http.status_code", value: .int(200)), SpanAttribute(key: "list", value: .other("[1,2]"))]),
            ]))
            #expect(try store.traceTagNames(scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 100) == ["db.system", "http.status_code", "list", "ok", "ratio"])
            #expect(try store.traceTagNames(scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 2) == ["db.system", "http.status_code"])
            #expect(try store.traceTagNames(scope: .resource, startUnixNano: nil, endUnixNano: nil, limit: 100) == ["host.name", "service.name"])
            #expect(try store.traceTagValues("http.status_code", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.int(200), .int(404)])
            #expect(try store.traceTagValues("http.status_code", scope: .resource, startUnixNano: nil, endUnixNano: nil, limit: 10) == [])
            #expect(try store.traceTagValues("ok", scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.bool(true)])
            #expect(try store.traceTagValues("ratio", scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.double(0.25)])
            #expect(try store.traceTagValues("list", scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 10) == [])
            #expect(try store.traceTagValues("service.name", scope: .resource, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("api"), .string("web")])
            #expect(try store.traceTagValues("service.name", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 1) == [.string("api")])
        }
    }

    @Test func intrinsicsNameStatusAndKindAreAnswered() async throws {
        // Unscoped `name`, `status` and `kind` list span names, the status codes and the kinds seen.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "api", [
                TestSpan(1, 1, "GET /", start: 1, millis: 10),
                TestSpan(1, 2, parent: 1, "SELECT", start: 1, millis: 5),
                TestSpan(1, 3, parent: 1, "work", start: 1, millis: 5, kind: 1),
            ]))
            #expect(try store.traceTagValues("name", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("GET /"), .string("SELECT"), .string("work")])
            #expect(try store.traceTagValues("status", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("error"), .string("ok"), .string("unset")])
            #expect(try store.traceTagValues("kind", scope: nil, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("internal"), .string("server"), .string("client")])
        }
    }

    @Test func tagValuesPerKeyAreCapped() async throws {
        // Past `maxTagValuesPerKey` distinct values a key lists no new ones; the spans are still stored.
        let directory = TemporaryDirectory()
        try await withStore(directory, maxTagValuesPerKey: 3) { store in
            for n in 1...5 {
                _ = try await store.append(batch(service: "api", [
                    TestSpan(UInt8(n), 1, "op", start: UInt64(n), millis: 1, [SpanAttribute(key: "user", value: .string("u\(n)"))]),
                ]))
            }
            #expect(try store.traceTagValues("user", scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("u1"), .string("u2"), .string("u3")])
            #expect(try store.rowCount("tag_values WHERE key = 'user'") == 3)
            #expect(try store.searchTraces(TraceSearchQuery(spanFilter: { span, _ in span.attributes.first?.value == .string("u5") })).count == 1)
        }
    }

    @Test func servicesAndOperationsAreListed() async throws {
        // Services sorted; a service's operations sorted by name with their kinds.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "web", [TestSpan(2, 1, "GET /", start: 1, millis: 10)]))
            _ = try await store.append(batch(service: "api", [
                TestSpan(1, 1, "GET /", start: 1, millis: 10),
                TestSpan(1, 2, parent: 1, "SELECT", start: 1, millis: 5),
                TestSpan(1, 3, parent: 1, "SELECT", start: 2, millis: 5),
            ]))
            #expect(try store.traceServices() == ["api", "web"])
            let operations = try store.traceOperations(service: "api")
            #expect(operations.map(\.name) == ["GET /", "SELECT"])
            #expect(operations.map(\.kind) == [2, 3])
            #expect(try store.traceOperations(service: "nope").isEmpty)
        }
    }
}
