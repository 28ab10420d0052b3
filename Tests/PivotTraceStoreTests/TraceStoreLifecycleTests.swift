import Foundation
import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization
import Testing
@testable import PivotTraceStore

@Suite struct TraceStoreLifecycleTests {
    @Test func everythingSurvivesClosingAndReopening() async throws {
        // Spans, summaries, resources and listings are read back from the file after a reopen.
        let directory = TemporaryDirectory()
        let sent = batch(service: "api", [TestSpan(1, 1, "GET /", start: 1, millis: 10, [SpanAttribute(key: "k", value: .string("v"))])])
        try await withStore(directory) { store in _ = try await store.append(sent) }
        try await withStore(directory) { store in
            let trace = try #require(try store.stored(1))
            #expect(trace.spans.map(\.bytes) == sent.spans.map(\.bytes))
            #expect(trace.spans.map(\.attributes) == sent.spans.map(\.attributes))
            #expect(trace.resources == sent.resources && trace.scopes == sent.scopes)
            #expect(try store.searchTraces(TraceSearchQuery(serviceName: "api")).count == 1)
            #expect(try store.traceServices() == ["api"])
            #expect(try store.traceTagValues("k", scope: .span, startUnixNano: nil, endUnixNano: nil, limit: 10) == [.string("v")])
            // Known content is recognised after the reopen: no second resource, and a retry is a duplicate.
            #expect(try await store.append(sent) == TraceAppendResult(spansWritten: 0, duplicateSpans: 1))
            _ = try await store.append(batch(service: "api", [TestSpan(2, 1, "GET /", start: 2, millis: 10)]))
            #expect(try store.rowCount("resources") == 1)
            #expect(try store.stored(2)?.resources == sent.resources)
        }
    }

    @Test func retentionDeletesOldTracesWithAllTheirRows() async throws {
        // With a one-hour retention, a trace that ended two hours ago goes (spans, chunks, summaries); a fresh one stays.
        let directory = TemporaryDirectory()
        try await withStore(directory, retentionNanos: 3_600 * second) { store in
            _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "old", start: 0, millis: 10), TestSpan(2, 1, "new", start: 7_000, millis: 10)]))
            _ = try await store.append(batch(service: "db", [TestSpan(1, 2, parent: 1, "old child", start: 0, millis: 5)]))
            #expect(try await store.deleteExpired(nowUnixNano: t0 + 7_200 * second) == 1)
            #expect(try store.stored(1) == nil)
            #expect(try store.stored(2) != nil)
            #expect(try store.searchTraces(TraceSearchQuery()).map(\.traceID) == [traceID(2)])
            #expect(try store.searchTraces(TraceSearchQuery(serviceName: "db")).isEmpty)
            #expect(try store.rowCount("span_chunks") == 1)
            #expect(try store.rowCount("traces") == 1)
            #expect(try await store.deleteExpired(nowUnixNano: t0 + 7_200 * second) == 0)
        }
    }

    @Test func deletingInSmallBatchesDeletesEverythingOld() async throws {
        // Many expired traces are deleted over several transactions; the count is the total.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "api", (1...25).map { TestSpan(UInt8($0), 1, "op", start: UInt64($0), millis: 1) }))
            #expect(try await store.deleteTraces(endedBefore: t0 + 20 * second, batchSize: 4) == 19)
            #expect(try store.rowCount("traces") == 6)
        }
    }

    @Test func retentionCanBeGivenAsADuration() {
        // The Duration view reads and writes nanoseconds.
        var options = TraceStoreOptions(path: "/tmp/x")
        options.retention = .seconds(90)
        #expect(options.retentionNanos == 90 * second)
        #expect(options.retention == .seconds(90))
        options.retention = .seconds(-1)
        #expect(options.retentionNanos == 0)
    }

    @Test func aMissingDirectoryIsCreated() async throws {
        // Open creates the directory and its parents.
        let directory = TemporaryDirectory()
        let nested = TemporaryDirectory()
        let store = try await TraceStore.open(options: TraceStoreOptions(path: nested.path + "/a/traces"), logger: quietLogger)
        await store.close()
        #expect(FileManager.default.fileExists(atPath: nested.path + "/a/traces/traces.db"))
        _ = directory
    }

    @Test func aPathThatIsAFileIsAClearError() async throws {
        // A regular file where the directory should be: the error names the path.
        let directory = TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.path, contents: Data("x".utf8))
        await #expect {
            _ = try await TraceStore.open(options: TraceStoreOptions(path: directory.path), logger: quietLogger)
        } throws: { error in
            let error = error as? TraceStoreError
            return error?.code == .cannotOpen && error?.message.contains(directory.path) == true
        }
    }

    @Test func aCorruptDatabaseIsAClearError() async throws {
        // A traces.db that is not a SQLite database is refused with a message naming the file.
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory.path + "/traces.db", contents: Data(String(repeating: "not a database ", count: 300).utf8))
        await #expect {
            _ = try await TraceStore.open(options: TraceStoreOptions(path: directory.path), logger: quietLogger)
        } throws: { error in
            let error = error as? TraceStoreError
            return error?.code == .cannotOpen && error?.message.contains("traces.db") == true
        }
    }

    @Test func aStoreFromANewerVersionIsRefused() async throws {
        // A schema version beyond what this build knows is refused untouched.
        let directory = TemporaryDirectory()
        try await withStore(directory) { store in
            try store.readers.withReader { reader throws(SQLiteError) in try reader.database.execute("INSERT INTO schema_version VALUES (99, 0)") }
        }
        await #expect {
            _ = try await TraceStore.open(options: TraceStoreOptions(path: directory.path), logger: quietLogger)
        } throws: { error in
            (error as? TraceStoreError)?.code == .schemaTooNew
        }
    }

    @Test func readsAndWritesAfterCloseFail() async throws {
        // A closed store refuses appends (retryable storage error) and reads.
        let directory = TemporaryDirectory()
        let store = try await TraceStore.open(options: TraceStoreOptions(path: directory.path), logger: quietLogger)
        await store.close()
        await #expect(throws: AppendError.self) { _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "a", start: 1, millis: 1)])) }
        #expect(throws: QueryError.self) { _ = try store.stored(1) }
    }

    @Test func aDatabaseInTheFirstLayoutIsMigrated() async throws {
        // A database at schema version 1 (one row per span) opens, is migrated, and takes spans.
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let old = try SQLiteDatabase(path: directory.path + "/traces.db")
        try SchemaMigrator(migrations: [TraceStoreSchema.migrator.migrations[0]]).migrate(old)
        old.close()
        try await withStore(directory) { store in
            _ = try await store.append(batch(service: "api", [TestSpan(1, 1, "GET /", start: 1, millis: 1)]))
            #expect(try store.stored(1)?.spans.count == 1)
        }
    }

    @Test func backgroundCheckpointsKeepEveryTraceReadable() async throws {
        // With a 1 MiB checkpoint threshold, 4 MB of spans pass through several checkpoints and all read back, also after a reopen.
        let directory = TemporaryDirectory()
        var options = TraceStoreOptions(path: directory.path)
        options.walCheckpointBytes = 1 << 20
        var generator = SystemRandomNumberGenerator()
        let payload = (0..<4_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let store = try await TraceStore.open(options: options, logger: quietLogger)
        for round in 0..<10 {
            var sent = batch(service: "api", (0..<100).map { TestSpan(UInt8(round), UInt8($0), "op", start: UInt64(round), millis: 1) })
            for index in sent.spans.indices { sent.spans[index].bytes = payload }
            #expect(try await store.append(sent).spansWritten == 100)
            // Twice the threshold and one commit (~0.45 MB): the WAL is rewritten in place, not grown.
            #expect(fileSize(directory.path + "/traces.db-wal") < 3 << 20)
        }
        for round in 0..<10 { #expect(try store.stored(UInt8(round))?.spans.count == 100) }
        await store.close()
        try await withStore(directory) { store throws in
            for round in 0..<10 {
                let trace = try store.stored(UInt8(round))
                #expect(trace?.spans.allSatisfy { $0.bytes == payload } == true)
            }
        }
    }
}

private func fileSize(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
}
