import Foundation
import Hummingbird
import HummingbirdTesting
import PivotHTTP
import PivotIngest
import PivotModel
import PivotStorage
import Testing

/// Each request Grafana's Prometheus data source sends (CONTRACTS.md §1), in its exact shape.
@Suite struct GrafanaRequestShapesTests {
    func application() async throws -> some ApplicationProtocol {
        let store = MemoryStore()
        var batch = WriteBatch()
        batch.append(
            labels: Labels(["__name__": "http_server_duration_bucket", "http.status_code": "200", "job": "api", "le": "0.5"]),
            samples: [Sample(timestamp: 1_700_000_000_000, value: 4)],
            exemplars: [Exemplar(labels: Labels(["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"]), value: 0.231, timestamp: 1_700_000_000_123)])
        let appender = store.appender()
        _ = try appender.append(batch)
        try await appender.commit()
        let backend = BackendSlot(Backend(ingestor: Ingestor(store: store), queryable: store, exemplars: store, metadata: store))
        let router = Router()
        QueryRoutes(backend: backend, now: { 1_700_000_060_000 }).register(on: router)
        SeriesRoutes(backend: backend, parseSelector: { text in
            // The selectors Grafana sends in these calls.
            switch text {
            case #"{__name__!=""}"#: [try LabelMatcher(.notEqual, "__name__", "")]
            default: [try LabelMatcher(.equal, "__name__", text)]
            }
        }).register(on: router)
        return Application(router: router)
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test func resourceCallsAnswerInTheShapesGrafanaParses() async throws {
        // labels (POST form), label values (GET, U__ name, limit), series ({} rewritten), metadata, rules.
        try await application().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/labels", method: .post, headers: Self.form,
                body: ByteBuffer(string: "start=1699999000&end=1700001000&limit=40000")
            ) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["__name__","http.status_code","job","le"]}"#)
            }
            try await client.execute(
                uri: "/api/v1/label/U__http_2e_status__code/values?start=1699999000&end=1700001000&limit=40000", method: .get
            ) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["200"]}"#)
            }
            try await client.execute(
                uri: "/api/v1/series", method: .post, headers: Self.form,
                body: ByteBuffer(string: "match%5B%5D=%7B__name__%21%3D%22%22%7D&start=1699999000&end=1700001000")
            ) { response in
                #expect(String(buffer: response.body).hasPrefix(#"{"status":"success","data":[{"__name__":"http_server_duration_bucket""#))
            }
            try await client.execute(uri: "/api/v1/rules", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func dataQueriesIgnoreCustomParametersAndReturnExemplarsAsGrafanaReadsThem() async throws {
        // POST form queries with extra parameters, and query_exemplars with value as a string and
        // timestamp as float seconds with three fraction digits.
        try await application().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/query", method: .post, headers: Self.form,
                body: ByteBuffer(string: "query=sum(http_server_duration_bucket)&time=1700000010&timeout=60s&max_source_resolution=5m")
            ) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000010,"4"]}]}}"#)
            }
            try await client.execute(
                uri: "/api/v1/query_exemplars", method: .post, headers: Self.form,
                body: ByteBuffer(string: "query=histogram_quantile(0.99%2C%20sum%20by%20(le)%20(rate(http_server_duration_bucket%5B5m%5D)))&start=1699999000&end=1700001000")
            ) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#""exemplars":[{"labels":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"},"value":"0.231","timestamp":1700000000.123}]"#), "\(text)")
            }
            try await client.execute(
                uri: "/api/v1/query_range", method: .post, headers: Self.form,
                body: ByteBuffer(string: "query=http_server_duration_bucket&start=1699999980&end=1700000040&step=30")
            ) { response in
                #expect(String(buffer: response.body).contains(#""values":[[1700000010,"4"],[1700000040,"4"]]"#))
            }
        }
    }
}
