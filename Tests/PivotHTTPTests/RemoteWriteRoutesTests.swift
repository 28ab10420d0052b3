import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PivotHTTP
import PivotIngest
import PivotModel
import PivotRemoteWrite
import PivotStorage
import Testing

@Suite struct RemoteWriteRoutesTests {
    func application(store: MemoryStore, ready: Bool = true) -> some ApplicationProtocol {
        let router = Router()
        let backend = BackendSlot(ready ? Backend(
            ingestor: Ingestor(store: store), queryable: store, exemplars: store, metadata: store) : nil)
        RemoteWriteRoutes(backend: backend).register(on: router)
        SeriesRoutes(backend: backend, parseSelector: { text in
            [try LabelMatcher(.equal, "__name__", text)]
        }).register(on: router)
        return Application(router: router)
    }

    func sampleBatch(exemplar: Bool = true) -> WriteBatch {
        var batch = WriteBatch()
        batch.append(
            labels: Labels(["__name__": "http_request_duration_seconds_bucket", "job": "api", "le": "0.5"]),
            samples: [Sample(timestamp: 1_000, value: 3)],
            exemplars: exemplar ? [Exemplar(labels: Labels(["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"]), value: 0.31, timestamp: 1_000)] : [])
        batch.metadata = [(name: "http_request_duration_seconds", metadata: MetricMetadata(type: .histogram, help: "Latency.", unit: "seconds"))]
        return batch
    }

    func body(_ batch: WriteBatch, _ version: RemoteWriteVersion) throws -> ByteBuffer {
        ByteBuffer(bytes: RemoteWriteEncoder().encodeCompressed(batch, version: version))
    }

    @Test func aVersionOneWriteIsStoredAndAnswered204() async throws {
        // A snappy 1.0 body is decoded, stored with its exemplar, and answered 204 without a body.
        let store = MemoryStore()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post,
                headers: [.contentType: "application/x-protobuf", .contentEncoding: "snappy"],
                body: try body(sampleBatch(), .v1)
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[HTTPField.Name("X-Prometheus-Remote-Write-Samples-Written")!] == nil)
            }
        }
        let found = try store.exemplars([[try LabelMatcher(.equal, "job", "api")]], mint: 0, maxt: 2_000)
        #expect(found.first?.exemplars.first?.labels["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(store.metadata(metric: nil, limit: nil, limitPerMetric: nil)["http_request_duration_seconds"]?.first?.type == .histogram)
    }

    @Test func aVersionTwoWriteReportsWrittenCounts() async throws {
        // Every 2.0 response carries the samples, histograms and exemplars written.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post,
                headers: [.contentType: RemoteWriteVersion.v2.contentType, .contentEncoding: "snappy"],
                body: try body(sampleBatch(), .v2)
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[HTTPField.Name("X-Prometheus-Remote-Write-Samples-Written")!] == "1")
                #expect(response.headers[HTTPField.Name("X-Prometheus-Remote-Write-Histograms-Written")!] == "0")
                #expect(response.headers[HTTPField.Name("X-Prometheus-Remote-Write-Exemplars-Written")!] == "1")
            }
        }
    }

    @Test(arguments: [
        ("application/json", "snappy"), ("application/x-protobuf;proto=unknown.Message", "snappy"),
        ("application/x-protobuf", "gzip"),
    ])
    func unsupportedTypesAndEncodingsAre415(contentType: String, encoding: String) async throws {
        // A content type or encoding Pivot cannot read is 415 with a message.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post,
                headers: [.contentType: contentType, .contentEncoding: encoding], body: try body(sampleBatch(), .v1)
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(!String(buffer: response.body).isEmpty)
            }
        }
    }

    @Test func malformedBodiesAre400() async throws {
        // Bytes that are not snappy are a permanent error: 400 with the reason.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02])
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func invalidLabelsAre400NamingTheSeries() async throws {
        // A series without __name__ is refused with 400 naming it, and nothing of the batch is stored.
        var unnamed = WriteBatch()
        unnamed.append(labels: Labels(["job": "api"]), samples: [Sample(timestamp: 1, value: 1)])
        let batch = unnamed
        let store = MemoryStore()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: try body(batch, .v1)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("{job=\"api\"}"))
            }
        }
        #expect(try store.querier(mint: 0, maxt: 10).labelNames([]).isEmpty)
    }

    @Test func beforeStorageIsReadyWritesAre503WithRetryAfter() async throws {
        // While the store is not open, writes are retryable: 503 with Retry-After.
        try await application(store: MemoryStore(), ready: false).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: try body(sampleBatch(), .v1)
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
        }
    }

    @Test func seriesLabelsAndValuesComeBackInPrometheusShape() async throws {
        // After a write, /api/v1/series, /labels and /label/<name>/values list what was stored.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/write", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: try body(sampleBatch(), .v1)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/series?match[]=http_request_duration_seconds_bucket", method: .get) { response in
                #expect(String(buffer: response.body)
                    == #"{"status":"success","data":[{"__name__":"http_request_duration_seconds_bucket","job":"api","le":"0.5"}]}"#)
            }
            try await client.execute(
                uri: "/api/v1/labels", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "start=0&end=10")
            ) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["__name__","job","le"]}"#)
            }
            try await client.execute(uri: "/api/v1/label/U__l_65_/values", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["0.5"]}"#)
            }
            // The name in the path is percent-decoded, as Prometheus's router does; bytes that are not UTF-8 are bad_data.
            try await client.execute(uri: "/api/v1/label/%6C%65/values", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["0.5"]}"#)
            }
            try await client.execute(uri: "/api/v1/label/%C3%28/values", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("is not UTF-8"))
            }
            try await client.execute(uri: "/api/v1/label/values/values", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
            }
            try await client.execute(uri: "/api/v1/series", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("no match[] parameter provided"))
            }
            try await client.execute(uri: "/api/v1/metadata", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""http_request_duration_seconds":[{"type":"histogram","help":"Latency.","unit":"seconds"}]"#))
            }
        }
    }
}
