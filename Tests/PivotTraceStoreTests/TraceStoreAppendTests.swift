import PivotModel
import PivotStorage
import Testing
@testable import PivotTraceStore

@Suite struct TraceStoreAppendTests {
    @Test func aTraceComesBackWithTheBytesItWasStoredWithAndSpansOrderedByStart() async throws {
        // Spans, resources and scopes return byte for byte; each span points at its own resource and scope.
        let directory = TemporaryDirectory()
        let scopeB = SpanBatch.Scope(bytes: Array("scope:db".utf8), schemaURL: "", name: "db", version: "2")
        let sent = SpanBatch(
            resources: [resource("api"), resource("db", host: "h2")], scopes: [libraryScope, scopeB],
            spans: [
                makeSpan(TestSpan(1, 3, parent: 2, "fetch", start: 3, millis: 1, [SpanAttribute(key: "rows", value: .int(3))]), resource: 1, scope: 1),
                makeSpan(TestSpan(1, 1, "GET /", start: 1, millis: 50, [SpanAttribute(key: "http.status_code", value: .int(200))]), resource: 0, scope: 0),
                makeSpan(TestSpan(1, 2, parent: 1, "SELECT", start: 2, millis: 5, [SpanAttribute(key: "ratio", value: .double(0.5))]), resource: 1, scope: 0),
                makeSpan(TestSpan(2, 1, "other", start: 9, millis: 5), resource: 0, scope: 1),
            ])
        try await withStore(directory) { store in
            #expect(try await store.append(sent) == TraceAppendResult(spansWritten: 4, duplicateSpans: 0))
            let trace = try #require(try store.stored(1))
            #expect(trace.traceID == traceID(1))
            #expect(trace.spans.map(\.name) == ["GET /", "SELECT", "fetch"])
            let expected = [sent.spans[1], sent.spans[2], sent.spans[0]]
            for (got, want) in zip(trace.spans, expected) {
                #expect(got.bytes == want.bytes)
                #expect(got.attributes == want.attributes)
                #expect(got.parentSpanID == want.parentSpanID)
                #expect(got.startTimeUnixNano == want.startTimeUnixNano && got.endTimeUnixNano == want.endTimeUnixNano)
                #expect(got.kind == want.kind && got.statusCode == want.statusCode)
                #expect(trace.resources[got.resource] == sent.resources[want.resource])
                #expect(trace.scopes[got.scope] == sent.scopes[want.scope])
            }
            #expect(Set(trace.resources) == Set(sent.resources) && trace.resources.count == 2)
            #expect(Set(trace.scopes) == Set(sent.scopes) && trace.scopes.count == 2)
            #expect(try store.stored(2)?.spans.map(\.bytes) == [sent.spans[3].bytes])
            #expect(try store.stored(9) == nil)
        }
    }

    @Test func identicalResourcesAndScopesAreStoredOnce() async throws {
        // Two appends with the same resource and scope content leave one row of each.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "a", start: 1, millis: 1)]))
            _ = try await store.append(batch(service: "api", [TestSpan(2, 1, "b", start: 2, millis: 1)]))
            var twice = batch(service: "api", [TestSpan(3, 1, "c", start: 3, millis: 1)])
            twice.resources.append(twice.resources[0])
            twice.spans[0].resource = 1
            _ = try await store.append(twice)
            #expect(try store.rowCount("resources") == 1)
            #expect(try store.rowCount("scopes") == 1)
            _ = try await store.append(batch(service: "api", host: "h2", [TestSpan(4, 1, "d", start: 4, millis: 1)]))
            #expect(try store.rowCount("resources") == 2)
        }
    }

    @Test func partialTracesSentInSeveralRequestsMergeIntoOneTrace() async throws {
        // Children first, root later: one trace with all spans, whose summary gains the root's service and name.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "db", [TestSpan(1, 2, parent: 1, "SELECT", start: 2, millis: 5)]))
            let before = try store.searchTraces(TraceSearchQuery())
            #expect(before.first?.rootServiceName == "" && before.first?.rootSpanName == "")
            _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "GET /", start: 1, millis: 50)]))
            let trace = try #require(try store.stored(1))
            #expect(trace.spans.map(\.name) == ["GET /", "SELECT"])
            #expect(trace.resources.map(\.serviceName) == ["api", "db"])
            let summary = try #require(try store.searchTraces(TraceSearchQuery()).first)
            #expect(summary.rootServiceName == "api" && summary.rootSpanName == "GET /")
            #expect(summary.startTimeUnixNano == t0 + second)
            #expect(summary.durationNanos == second + 5_000_000)
        }
    }

    @Test func retriedSpansAreSkippedAndCounted() async throws {
        // A span whose trace and span id are stored (or repeated within a batch) is not written again.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "GET /", start: 1, millis: 50), TestSpan(1, 2, parent: 1, "a", start: 2, millis: 5)]))
            var retry = batch(service: "db", [TestSpan(1, 2, parent: 1, "a", start: 2, millis: 5), TestSpan(1, 3, parent: 2, "b", start: 3, millis: 5)])
            retry.spans.append(retry.spans[1])
            #expect(try await store.append(retry) == TraceAppendResult(spansWritten: 1, duplicateSpans: 2))
            #expect(try await store.append(retry) == TraceAppendResult(spansWritten: 0, duplicateSpans: 3))
            let trace = try #require(try store.stored(1))
            #expect(trace.spans.map(\.name) == ["GET /", "a", "b"])
            #expect(try store.rowCount("span_chunks") == 2)
        }
    }

    @Test func concurrentAppendsToOneTraceAllLand() async throws {
        // Twenty tasks each append one span of the same trace; the trace has all twenty.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try await withThrowingTaskGroup(of: TraceAppendResult.self) { group in
                for n in 1...20 {
                    group.addTask { try await store.append(batch(service: "s\(n % 3)", [TestSpan(1, UInt8(n), parent: 1, "op", start: UInt64(n), millis: 1)])) }
                }
                var written = 0
                for try await result in group { written += result.spansWritten }
                #expect(written == 20)
            }
            #expect(try store.stored(1)?.spans.count == 20)
        }
    }

    @Test func largeCompressibleAndRandomSpanBytesSurvive() async throws {
        // Chunks are compressed when that helps and kept raw otherwise; both read back exactly.
        let directory = TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        let random = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let repetitive = Array(String(repeating: "http.request.header.user-agent=Mozilla/5.0 ", count: 200).utf8)
        var sent = batch(service: "api", [TestSpan(1, 1, "random", start: 1, millis: 1), TestSpan(2, 1, "text", start: 2, millis: 1)])
        sent.spans[0].bytes = random
        sent.spans[1].bytes = repetitive
        try await withStore(directory) { store in
            _ = try await store.append(sent)
            #expect(try store.stored(1)?.spans.first?.bytes == random)
            #expect(try store.stored(2)?.spans.first?.bytes == repetitive)
        }
        let prepared = SpanChunk.prepare([sent.spans[1]], scratch: &sent.spans[0].bytes)
        let chunk = SpanChunk.row(prepared, resourceIDs: [7], scopeIDs: [9])
        #expect(chunk.first == SpanChunk.snappy && chunk.count < repetitive.count / 4)
        let decoded = try #require(chunk.withUnsafeBytes { SpanChunk.decode($0) })
        #expect(decoded.bytes(slot: 0) == repetitive)
        #expect(decoded.fields.first?.spanID == sent.spans[1].spanID)
        #expect(decoded.fields.first?.resourceID == 7 && decoded.fields.first?.scopeID == 9)
        #expect(SpanChunk.decode(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test func anEmptyBatchWritesNothing() async throws {
        // No spans: nothing is written and the result is zero.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            let result = try await store.append(SpanBatch())
            #expect(result == TraceAppendResult())
            #expect(try store.rowCount("traces") == 0)
        }
    }
}
