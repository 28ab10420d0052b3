import Foundation
import Hummingbird
import HummingbirdTesting
import PivotHTTP
import PivotIngest
import PivotModel
import PivotStorage
import Testing

@Suite struct QueryRoutesTests {
    func application(store: MemoryStore) -> some ApplicationProtocol {
        let router = Router()
        let backend = BackendSlot(Backend(ingestor: Ingestor(store: store), queryable: store, exemplars: store, metadata: store))
        QueryRoutes(backend: backend, now: { 10_000_000 }).register(on: router)
        return Application(router: router)
    }

    func storeWithData() async throws -> MemoryStore {
        let store = MemoryStore()
        var batch = WriteBatch()
        for job in ["a", "b"] {
            batch.append(
                labels: Labels(["__name__": "requests_total", "job": job]),
                samples: (0..<10).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0) * (job == "a" ? 1 : 2)) },
                exemplars: [Exemplar(labels: Labels(["trace_id": "0af7651916cd43dd8448eb211c80319c"]), value: 0.5, timestamp: 30_500)])
        }
        let appender = store.appender()
        _ = try appender.append(batch)
        try await appender.commit()
        return store
    }

    func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func grafanasHealthCheckGetsTheScalarItExpects() async throws {
        // Save & Test posts query=1+1&time=4 as a form and expects {"resultType":"scalar","result":[4,"2"]}.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/query", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "query=1%2B1&time=4")
            ) { response in
                #expect(response.status == .ok)
                #expect(body(response) == #"{"status":"success","data":{"resultType":"scalar","result":[4,"2"]}}"#)
            }
        }
    }

    @Test("concurrent queries all answer, whether on their request's task or a thread of their own")
    func concurrentQueries() async throws {
        // One query at a time evaluates inline; the rest hop to a thread: both must answer the same.
        let store = try await storeWithData()
        try await application(store: store).test(.router) { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/query?query=sum(requests_total)&time=135", method: .get) { response in
                            String(buffer: response.body)
                        }
                    }
                }
                for try await answer in group {
                    #expect(answer == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[135,"27"]}]}}"#)
                }
            }
        }
    }

    @Test("warnings and infos come after the data, as Prometheus writes them")
    func annotationsInTheEnvelope() async throws {
        let store = MemoryStore()
        store.add(Labels(["__name__": "temperature", "room": "a"]), (0..<10).map { Sample(timestamp: Int64($0) * 15_000, value: Double($0)) })
        try await application(store: store).test(.router) { client in
            // rate of a gauge-named series: an info; quantile_over_time(2, …): a warning.
            let query = "quantile_over_time(2,%20temperature[1m])%20or%20rate(temperature[1m])"
            try await client.execute(uri: "/api/v1/query?query=\(query)&time=135", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(body(response).utf8)) as? [String: Any])
                #expect(json["status"] as? String == "success")
                let warnings = json["warnings"] as? [String] ?? []
                let infos = json["infos"] as? [String] ?? []
                #expect(warnings.count == 1 && warnings[0].contains("quantile value should be between 0 and 1"), "\(warnings)")
                #expect(infos.count == 1 && infos[0].contains("might not be a counter"), "\(infos)")
                #expect(body(response).hasSuffix(#"]}"#))
            }
        }
    }

    @Test func instantVectorsAndRangeMatricesHavePrometheusShape() async throws {
        // Values are strings, timestamps float seconds; matrix series carry "values".
        let store = try await storeWithData()
        try await application(store: store).test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=requests_total%7Bjob%3D%22a%22%7D&time=135.5", method: .get) { response in
                #expect(body(response) == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"requests_total","job":"a"},"value":[135.500,"9"]}]}}"#)
            }
            try await client.execute(uri: "/api/v1/query_range?query=requests_total%7Bjob%3D%22b%22%7D&start=0&end=30&step=15s", method: .get) { response in
                #expect(body(response) == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"requests_total","job":"b"},"values":[[0,"0"],[15,"2"],[30,"4"]]}]}}"#)
            }
        }
    }

    @Test func badQueriesAreBadDataWithThePosition() async throws {
        // A parse error is 400 bad_data naming the query parameter and the position.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=sum(", method: .get) { response in
                #expect(response.status == .badRequest)
                let text = body(response)
                #expect(text.contains(#""errorType":"bad_data""#))
                #expect(text.contains("1:5"))
            }
            try await client.execute(uri: "/api/v1/query_range?query=up&start=10&end=0&step=1", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/query_range?query=up&start=0&end=100000&step=1", method: .get) { response in
                #expect(body(response).contains("exceeded maximum resolution of 11,000 points per timeseries"))
            }
        }
    }

    @Test func exemplarsComeBackForTheQuerysSelectors() async throws {
        // query_exemplars extracts the selectors of the expression and returns their exemplars.
        let store = try await storeWithData()
        try await application(store: store).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/query_exemplars?query=sum(rate(requests_total%7Bjob%3D%22a%22%7D%5B5m%5D))&start=0&end=100",
                method: .get
            ) { response in
                #expect(body(response) == #"{"status":"success","data":[{"seriesLabels":{"__name__":"requests_total","job":"a"},"exemplars":[{"labels":{"trace_id":"0af7651916cd43dd8448eb211c80319c"},"value":"0.5","timestamp":30.500}]}]}"#)
            }
        }
    }

    @Test func grafanasExemplarProbeWithMillisecondTimesSucceeds() async throws {
        // Grafana probes with query=test and start/end in epoch milliseconds; the answer is success.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/query_exemplars", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "query=test&start=1700000000000&end=1700001800000")
            ) { response in
                #expect(response.status == .ok)
                #expect(body(response) == #"{"status":"success","data":[]}"#)
            }
        }
    }

    @Test func formatRulesAndAlertsAnswerAsPrometheus() async throws {
        // format_query pretty-prints; rules and alerts are empty lists.
        try await application(store: MemoryStore()).test(.router) { client in
            try await client.execute(uri: "/api/v1/format_query?query=sum%20by(job)(rate(x%5B5m%5D))", method: .get) { response in
                #expect(body(response) == #"{"status":"success","data":"sum by (job) (rate(x[5m]))"}"#)
            }
            try await client.execute(uri: "/api/v1/rules", method: .get) { response in
                #expect(body(response) == #"{"status":"success","data":{"groups":[]}}"#)
            }
            try await client.execute(uri: "/api/v1/alerts", method: .get) { response in
                #expect(body(response) == #"{"status":"success","data":{"alerts":[]}}"#)
            }
            try await client.execute(uri: "/api/v1/parse_query?query=foo%5B5m%5D", method: .get) { response in
                let text = body(response)
                #expect(text.contains(#""type":"matrixSelector""#))
                #expect(text.contains(#""range":300000"#))
            }
        }
    }
}
