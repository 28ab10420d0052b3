import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PivotHTTP
import PivotIngest
import PivotModel
import PivotOTLP
import PivotStorage
import Testing

/// Hostile OTLP requests get a clear 4xx and leave the server serving: a gzip bomb, JSON nested past
/// the limit, invalid UTF-8, a bare array, and a huge label value; a good export afterwards still works.
@Suite struct OTLPHostileRequestsTests {
    func application(store: MemoryStore, maxBodyBytes: Int = 1 << 20) -> some ApplicationProtocol {
        let router = Router()
        let ingestor = Ingestor(store: store)
        let receiver = OTLPMetricsReceiver(translator: OTLPMetricsTranslator(), ingestor: { ingestor }, clock: { 0 })
        OTLPRoutes(metrics: receiver, traces: OTLPTracesReceiver(store: { nil }), maxBodyBytes: maxBodyBytes).register(on: router)
        return Application(router: router)
    }

    static let good = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"up","gauge":{"dataPoints":[{"timeUnixNano":"1000000","asInt":"1"}]}}]}]}]}"#

    @Test func aGzipBombIsRefusedPastTheLimitAndTheServerKeepsServing() async throws {
        // 64 MiB of zeros compress to well under the 1 MiB body limit; inflating stops at that limit with 413.
        let bomb = gzip([UInt8](repeating: 0, count: 64 << 20))
        #expect(bomb.count < 1 << 20)
        let store = MemoryStore()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/x-protobuf", .contentEncoding: "gzip"],
                body: ByteBuffer(bytes: bomb)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("decompressed body larger than the limit"))
            }
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: Self.good)
            ) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try store.querier(mint: 0, maxt: .max).select([try LabelMatcher(.equal, "__name__", "up")]).count == 1)
    }

    @Test(arguments: [
        ("deep nesting", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
        ("a bare array", "[1,2,3]"),
        ("truncated JSON", #"{"resourceMetrics":[{"scopeMetrics":"#),
        ("a string where an object belongs", #"{"resourceMetrics":["x"]}"#),
    ])
    func malformedJSONIs400(name: String, body: String) async throws {
        // Each is a bad request with a message, never a crash or a 5xx.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest, "\(name)")
                #expect(String(buffer: response.body).contains("\"message\""), "\(name)")
            }
        }
    }

    @Test func invalidUTF8InAMetricNameIs400() async throws {
        // A protobuf metric name with a 0xff byte is refused (proto3 strings are UTF-8).
        let metric: [UInt8] = [0x0a, 0x02, 0x61, 0xff]
        let scope: [UInt8] = [0x12, UInt8(metric.count)] + metric
        let resource: [UInt8] = [0x12, UInt8(scope.count)] + scope
        let body: [UInt8] = [0x0a, UInt8(resource.count)] + resource
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/x-protobuf"], body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aMegabyteLabelValueIsRefusedByTheLabelLimits() async throws {
        // An attribute value of 1 MB becomes a label past the 4,096-byte value limit: 400 naming it, nothing stored.
        let huge = String(repeating: "x", count: 1 << 20)
        let body = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"up","gauge":{"dataPoints":[{"timeUnixNano":"1000000","asInt":"1","attributes":[{"key":"k","value":{"stringValue":""# + huge + #""}}]}]}}]}]}]}"#
        let store = MemoryStore()
        try await application(store: store, maxBodyBytes: 4 << 20).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("label k has a value of 1048576 bytes"))
            }
        }
        #expect(try store.querier(mint: 0, maxt: .max).select([try LabelMatcher(.equal, "__name__", "up")]).isEmpty)
    }

    @Test func tracesWithoutAStoreAre503NotLost() async throws {
        // A trace export while the trace store is not open is retryable (503 + Retry-After).
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/v1/traces", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"x"}]}]}]}"#)
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
        }
    }
}
