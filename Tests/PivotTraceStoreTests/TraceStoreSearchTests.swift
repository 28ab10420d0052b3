import PivotModel
import PivotStorage
import Testing
@testable import PivotTraceStore

@Suite struct TraceStoreSearchTests {
    /// Traces 1–3 from `api` (2 also has a failing `db` span), trace 4 from `web` only.
    func populate(_ store: TraceStore) async throws {
        _ = try await store.append(batch(service: "api", [
            TestSpan(1, 1, "GET /a", start: 10, millis: 100, [SpanAttribute(key: "http.status_code", value: .int(200))]),
            TestSpan(2, 1, "GET /b", start: 20, millis: 900, [SpanAttribute(key: "http.status_code", value: .int(500))]),
            TestSpan(3, 1, "GET /a", start: 30, millis: 10, [SpanAttribute(key: "http.status_code", value: .int(200))]),
            TestSpan(3, 2, parent: 1, "GET /a", start: 30, millis: 5, [SpanAttribute(key: "http.status_code", value: .int(200))]),
        ]))
        _ = try await store.append(batch(service: "db", host: "h2", [
            TestSpan(2, 2, parent: 1, "query fail", start: 20, millis: 800, status: 2),
        ]))
        _ = try await store.append(batch(service: "web", [TestSpan(4, 1, "GET /", start: 40, millis: 20)]))
    }

    func ids(_ summaries: [TraceSummary]) -> [[UInt8]] { summaries.map(\.traceID) }

    @Test func allTracesComeNewestFirstWithRootAndDuration() async throws {
        // No criteria: every trace, latest start first, with root service, root name, start and duration.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            let all = try store.searchTraces(TraceSearchQuery())
            #expect(ids(all) == [traceID(4), traceID(3), traceID(2), traceID(1)])
            #expect(all[2].rootServiceName == "api" && all[2].rootSpanName == "GET /b")
            #expect(all[2].startTimeUnixNano == t0 + 20 * second)
            #expect(all[2].durationNanos == 900_000_000)
            #expect(all[2].matched == 2)
        }
    }

    @Test func aPassedDeadlineStopsTheSearchWithWhatItFound() async throws {
        // A deadline already passed inspects no candidate; one far ahead changes nothing.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            var late = TraceSearchQuery()
            late.deadline = ContinuousClock.now
            #expect(try store.searchTraces(late).isEmpty)
            var early = TraceSearchQuery()
            early.deadline = ContinuousClock.now.advanced(by: .seconds(3_600))
            #expect(ids(try store.searchTraces(early)) == [traceID(4), traceID(3), traceID(2), traceID(1)])
        }
    }

    @Test func serviceAndSpanNameNarrowTheSearchAndTheMatchedSpans() async throws {
        // Only spans of the service (and name) match; matched counts and services say which.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            let db = try store.searchTraces(TraceSearchQuery(serviceName: "db"))
            #expect(ids(db) == [traceID(2)])
            #expect(db[0].matched == 1 && db[0].matchedSpans.map(\.name) == ["query fail"] && db[0].matchedSpanServices == ["db"])
            #expect(db[0].rootServiceName == "api")
            let named = try store.searchTraces(TraceSearchQuery(spanName: "GET /a"))
            #expect(ids(named) == [traceID(3), traceID(1)])
            #expect(named[0].matched == 2)
            #expect(ids(try store.searchTraces(TraceSearchQuery(serviceName: "db", spanName: "GET /b"))) == [])
            #expect(ids(try store.searchTraces(TraceSearchQuery(serviceName: "nope"))) == [])
        }
    }

    @Test func durationBoundsAreInclusiveAndApplyToTheWholeTrace() async throws {
        // Durations are first start to last end of the trace, bounds inclusive, alone or with a service.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            #expect(ids(try store.searchTraces(TraceSearchQuery(minDurationNanos: 100_000_000))) == [traceID(2), traceID(1)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(maxDurationNanos: 20_000_000))) == [traceID(4), traceID(3)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(minDurationNanos: 20_000_000, maxDurationNanos: 100_000_000))) == [traceID(4), traceID(1)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(minDurationNanos: 850_000_000, serviceName: "db"))) == [traceID(2)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(maxDurationNanos: 850_000_000, serviceName: "db"))) == [])
        }
    }

    @Test func theTimeRangeSelectsOverlappingTraces() async throws {
        // A trace matches when [start, end] overlaps the range (inclusive).
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            #expect(ids(try store.searchTraces(TraceSearchQuery(startUnixNano: t0 + 15 * second, endUnixNano: t0 + 25 * second))) == [traceID(2)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(startUnixNano: t0 + 20 * second + 900_000_000))) == [traceID(4), traceID(3), traceID(2)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(endUnixNano: t0 + 10 * second))) == [traceID(1)])
            #expect(ids(try store.searchTraces(TraceSearchQuery(startUnixNano: t0 + 35 * second, serviceName: "api"))) == [])
        }
    }

    @Test func aSpanFilterSeesSpanAndResourceAttributes() async throws {
        // The predicate gets each span's attributes and its resource; traces with a passing span match.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            let errors = try store.searchTraces(TraceSearchQuery(spanFilter: { span, _ in span.statusCode == 2 }))
            #expect(ids(errors) == [traceID(2)])
            #expect(errors.first?.matchedSpans.map(\.name) == ["query fail"])
            let status500 = try store.searchTraces(TraceSearchQuery(spanFilter: { span, _ in
                span.attributes.contains(SpanAttribute(key: "http.status_code", value: .int(500)))
            }))
            #expect(ids(status500) == [traceID(2)])
            #expect(status500.first?.matchedSpans.first?.attributes == [SpanAttribute(key: "http.status_code", value: .int(500))])
            let onHost2 = try store.searchTraces(TraceSearchQuery(spanFilter: { _, resource in
                resource.attributes.contains(SpanAttribute(key: "host.name", value: .string("h2")))
            }))
            #expect(ids(onHost2) == [traceID(2)])
            let status200 = try store.searchTraces(TraceSearchQuery(serviceName: "api", spanFilter: { span, _ in
                span.attributes.contains(SpanAttribute(key: "http.status_code", value: .int(200)))
            }))
            #expect(ids(status200) == [traceID(3), traceID(1)])
            #expect(status200.map(\.matched) == [2, 1])
        }
    }

    @Test func limitAndSpansPerTraceCapTheAnswer() async throws {
        // limit keeps the newest traces; spansPerTrace caps the listed spans but not the count.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            #expect(ids(try store.searchTraces(TraceSearchQuery(limit: 2))) == [traceID(4), traceID(3)])
            #expect(try store.searchTraces(TraceSearchQuery(limit: 0)).isEmpty)
            let capped = try store.searchTraces(TraceSearchQuery(spanName: "GET /a", spansPerTrace: 1))
            #expect(capped.first?.matchedSpans.count == 1 && capped.first?.matched == 2)
            #expect(capped.first?.matchedSpans.first?.bytes.isEmpty == false)
        }
    }

    @Test func aReadDuringASearchUsesAnotherConnection() async throws {
        // Reads do not wait for each other: a lookup from inside a search's filter is answered.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await populate(store)
            let found = try store.searchTraces(TraceSearchQuery(spanFilter: { span, _ in
                (try? store.trace(id: span.traceID, startUnixNano: nil, endUnixNano: nil))?.spans.count == 2
            }))
            #expect(found.map(\.traceID) == [traceID(3), traceID(2)])
        }
    }
}
