import Foundation
import Logging
import PivotModel
import PivotSQLite
import PivotStorage
import Synchronization
@testable import PivotTraceStore

/// A temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "pivot-trace-store-\(UUID().uuidString)"
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// Opens a store in `directory`, runs `body`, and closes the store whether `body` throws or not.
func withStore<T>(
    _ directory: TemporaryDirectory, retentionNanos: UInt64 = 15 * 86_400 * 1_000_000_000, maxTagValuesPerKey: Int = 1_000,
    pendingTraceLimit: Int = 20_000, _ body: (TraceStore) async throws -> T
) async throws -> T {
    var options = TraceStoreOptions(path: directory.path, retentionNanos: retentionNanos, maxTagValuesPerKey: maxTagValuesPerKey)
    options.pendingTraceLimit = pendingTraceLimit
    let store = try await TraceStore.open(options: options, logger: quietLogger)
    do {
        let result = try await body(store)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

func traceID(_ n: UInt8) -> [UInt8] { [UInt8](repeating: 0xa0, count: 15) + [n] }
func spanID(_ n: UInt8) -> [UInt8] { [UInt8](repeating: 0x0b, count: 7) + [n] }
let second: UInt64 = 1_000_000_000
let t0: UInt64 = 1_700_000_000 * second

/// A test span: trace, span and parent numbers, name, start (seconds after `t0`) and duration (milliseconds).
struct TestSpan {
    var trace: UInt8
    var span: UInt8
    var parent: UInt8?
    var name: String
    var start: UInt64
    var millis: UInt64
    var attributes: [SpanAttribute] = []
    var status: Int32 = 0
    var kind: Int32?

    init(
        _ trace: UInt8, _ span: UInt8, parent: UInt8? = nil, _ name: String, start: UInt64, millis: UInt64,
        _ attributes: [SpanAttribute] = [], status: Int32 = 0, kind: Int32? = nil
    ) {
        self.trace = trace
        self.span = span
        self.parent = parent
        self.name = name
        self.start = start
        self.millis = millis
        self.attributes = attributes
        self.status = status
        self.kind = kind
    }
}

func resource(_ service: String, host: String = "h1") -> SpanBatch.Resource {
    SpanBatch.Resource(
        bytes: Array("resource:\(service):\(host)".utf8), schemaURL: "https://schema/1", serviceName: service,
        attributes: [SpanAttribute(key: "service.name", value: .string(service)), SpanAttribute(key: "host.name", value: .string(host))])
}

let libraryScope = SpanBatch.Scope(bytes: Array("scope:lib".utf8), schemaURL: "https://schema/s", name: "lib", version: "1")

func makeSpan(_ s: TestSpan, resource: Int = 0, scope: Int = 0) -> SpanBatch.Span {
    SpanBatch.Span(
        traceID: traceID(s.trace), spanID: spanID(s.span), parentSpanID: s.parent.map(spanID) ?? [], name: s.name,
        kind: s.kind ?? (s.parent == nil ? 2 : 3), startTimeUnixNano: t0 + s.start * second,
        endTimeUnixNano: t0 + s.start * second + s.millis * 1_000_000, statusCode: s.status,
        attributes: s.attributes, resource: resource, scope: scope,
        bytes: Array("span \(s.trace)/\(s.span) \(s.name) \(s.start)".utf8))
}

/// A batch of one resource (`service`, `host`) and one scope holding `spans`.
func batch(service: String, host: String = "h1", _ spans: [TestSpan]) -> SpanBatch {
    SpanBatch(resources: [resource(service, host: host)], scopes: [libraryScope], spans: spans.map { makeSpan($0) })
}

extension TraceStore {
    /// Rows in `table`, read through the store's reading connection.
    func rowCount(_ table: String) throws -> Int {
        try readers.withReader { reader throws(SQLiteError) in
            let statement = try reader.database.prepare("SELECT count(*) FROM \(table)")
            _ = try statement.step()
            return statement.int(at: 0)
        }
    }

    func stored(_ n: UInt8) throws -> StoredTrace? {
        try trace(id: traceID(n), startUnixNano: nil, endUnixNano: nil)
    }
}
