import CZlib
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PivotHTTP
import PivotIngest
import PivotModel
import PivotOTLP
import PivotStorage
import PivotWire
import SwiftProtobuf
import Testing

typealias OTLPExportRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
typealias OTLPExportResponse = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse

@Suite struct OTLPRoutesTests {
    static let now: Int64 = 1_700_000_100_000

    func application(
        store: MemoryStore, ready: Bool = true, options: OTLPTranslationOptions = .init(), maxBodyBytes: Int = 1 << 20
    ) -> some ApplicationProtocol {
        let router = Router()
        let ingestor = Ingestor(store: store)
        let receiver = OTLPMetricsReceiver(
            translator: OTLPMetricsTranslator(options: options), ingestor: { ready ? ingestor : nil }, clock: { Self.now })
        let routes = OTLPRoutes(metrics: receiver, maxBodyBytes: maxBodyBytes)
        routes.register(on: router)
        routes.registerPrometheusPath(on: router)
        return Application(router: router)
    }

    /// A cumulative counter `requests` (one point) and a histogram `latency` (unit s) with an exemplar.
    func request(traceID: [UInt8] = Array(1...16), temporality: Opentelemetry_Proto_Metrics_V1_AggregationTemporality = .cumulative) -> OTLPExportRequest {
        var counter = Opentelemetry_Proto_Metrics_V1_Metric()
        counter.name = "requests"
        var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
        point.timeUnixNano = 1_700_000_000_000_000_000
        point.asInt = 42
        counter.sum.dataPoints = [point]
        counter.sum.isMonotonic = true
        counter.sum.aggregationTemporality = temporality

        var histogram = Opentelemetry_Proto_Metrics_V1_Metric()
        histogram.name = "latency"
        histogram.unit = "s"
        var h = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint()
        h.timeUnixNano = 1_700_000_000_000_000_000
        h.count = 3
        h.sum = 0.9
        h.bucketCounts = [1, 2]
        h.explicitBounds = [0.5]
        var exemplar = Opentelemetry_Proto_Metrics_V1_Exemplar()
        exemplar.timeUnixNano = 1_700_000_000_000_000_000
        exemplar.asDouble = 0.7
        exemplar.traceID = Data(traceID)
        exemplar.spanID = Data(Array(1...8))
        h.exemplars = [exemplar]
        histogram.histogram.dataPoints = [h]
        histogram.histogram.aggregationTemporality = .cumulative

        var resource = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
        var name = Opentelemetry_Proto_Common_V1_KeyValue()
        name.key = "service.name"
        name.value.stringValue = "api"
        resource.resource.attributes = [name]
        var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
        scope.metrics = [counter, histogram]
        resource.scopeMetrics = [scope]
        var request = OTLPExportRequest()
        request.resourceMetrics = [resource]
        return request
    }

    static let json = """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
        "scopeMetrics":[{"metrics":[{"name":"requests","sum":{"aggregationTemporality":2,"isMonotonic":true,
        "dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"42","exemplars":[{"timeUnixNano":"1700000000000000000",
        "asDouble":1,"traceId":"0102030405060708090A0B0C0D0E0F10","spanId":"0102030405060708"}]}]}}]}]}]}
        """

    func values(_ store: MemoryStore, _ name: String) throws -> [Double] {
        let querier = try store.querier(mint: 0, maxt: .max)
        return try querier.select([try LabelMatcher(.equal, "__name__", name)]).flatMap { $0.samples.map(\.value) }
    }

    @Test func aProtobufExportIsStoredAndAnsweredWithAnEmptyResponse() async throws {
        // 200 with an ExportMetricsServiceResponse without partial_success; the series and exemplar are stored.
        let store = MemoryStore()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: ByteBuffer(bytes: try request().serializedBytes() as [UInt8])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-protobuf")
                let decoded = try OTLPExportResponse(serializedBytes: Array(response.body.readableBytesView))
                #expect(!decoded.hasPartialSuccess)
            }
        }
        #expect(try values(store, "requests_total") == [42])
        #expect(try values(store, "latency_seconds_bucket").sorted() == [1, 3])
        let exemplars = try store.exemplars([[try LabelMatcher(.equal, "__name__", "latency_seconds_bucket")]], mint: 0, maxt: .max)
        #expect(exemplars.first?.exemplars.first?.labels["trace_id"] == "0102030405060708090a0b0c0d0e0f10")
        #expect(exemplars.first?.seriesLabels["le"] == "+Inf")
    }

    @Test func aJSONExportIsAnsweredInJSON() async throws {
        // application/json in, application/json out; hex ids in any case are read.
        let store = MemoryStore()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: Self.json)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == "{}")
            }
        }
        #expect(try values(store, "requests_total") == [42])
    }

    @Test func gzipBodiesAreAcceptedOnPrometheusPathToo() async throws {
        // Content-Encoding: gzip is inflated; /api/v1/otlp/v1/metrics serves the same handler.
        let store = MemoryStore()
        let body = gzip(Array(Self.json.utf8))
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/otlp/v1/metrics", method: .post,
                headers: [.contentType: "application/json", .contentEncoding: "gzip"], body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try values(store, "requests_total") == [42])
    }

    @Test func anotherContentTypeIs415() async throws {
        // text/plain is not OTLP: 415 with a google.rpc.Status naming the supported types.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                let status = try Google_Rpc_Status(serializedBytes: Array(response.body.readableBytesView))
                #expect(status.message.contains("application/x-protobuf"))
            }
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        // Past --otlp.max-body-bytes the export is refused with 413 (exporters do not retry it).
        try await application(store: MemoryStore(), maxBodyBytes: 100).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: Self.json)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("limit of 100 bytes"))
            }
        }
    }

    @Test func aTruncatedBodyIs400AndStoresNothing() async throws {
        // A protobuf body cut short is a permanent error with the reason; nothing is stored.
        let store = MemoryStore()
        let bytes: [UInt8] = try request().serializedBytes()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: ByteBuffer(bytes: bytes[0..<(bytes.count - 5)])
            ) { response in
                #expect(response.status == .badRequest)
                let status = try Google_Rpc_Status(serializedBytes: Array(response.body.readableBytesView))
                #expect(status.code == 3)
                #expect(status.message.contains("cannot read the metrics export request"))
            }
        }
        #expect(try values(store, "requests_total").isEmpty)
    }

    @Test func invalidIdsAre400() async throws {
        // A 5-byte trace id (protobuf) or 31 hex digits (JSON) is a bad request naming the id.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: ByteBuffer(bytes: try request(traceID: [1, 2, 3, 4, 5]).serializedBytes() as [UInt8])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("trace_id"))
            }
            let badJSON = Self.json.replacingOccurrences(of: "0102030405060708090A0B0C0D0E0F10", with: "0102030405060708090A0B0C0D0E0F1")
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: badJSON)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body).contains("traceId"))
            }
        }
    }

    @Test func rejectedDeltaPointsAreReportedAsPartialSuccess() async throws {
        // With delta conversion off, the delta counter's point is rejected in partial_success; the histogram is stored.
        let store = MemoryStore()
        let options = OTLPTranslationOptions(deltaConversion: .reject)
        try await application(store: store, options: options).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: ByteBuffer(bytes: try request(temporality: .delta).serializedBytes() as [UInt8])
            ) { response in
                #expect(response.status == .ok)
                let decoded = try OTLPExportResponse(serializedBytes: Array(response.body.readableBytesView))
                #expect(decoded.partialSuccess.rejectedDataPoints == 1)
                #expect(decoded.partialSuccess.errorMessage.contains("delta"))
            }
        }
        #expect(try values(store, "requests_total").isEmpty)
        #expect(try values(store, "latency_seconds_count") == [3])
    }

    @Test func beforeStorageIsReadyExportsGet503WithRetryAfter() async throws {
        // While the store replays its WAL, exporters get a retryable 503 with Retry-After, never a 500.
        try await application(store: MemoryStore(), ready: false).test(.router) { client in
            try await client.execute(
                uri: "/v1/metrics", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: Self.json)
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
        }
    }

    @Test func logsAreAnsweredWithRejectedRecords() async throws {
        // /v1/logs still answers success with the record count rejected (Pivot stores no logs).
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}},{"body":{"stringValue":"b"}}]}]}]}"#
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/v1/logs", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"rejectedLogRecords\":\"2\""))
            }
        }
    }
}

/// gzip with zlib itself.
func gzip(_ input: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
    var input = input
    let written = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = UInt32(target.count)
            deflate(&stream, Z_FINISH)
            return target.count - Int(stream.avail_out)
        }
    }
    return Array(output[0..<written])
}
