import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A running `pivot` holding known data (10 `seed_metric` series and 3 traces of service `seed`),
/// for hostile-request tests: after each hostile request `expectIntact()` checks the server still
/// answers and that all of that data is still there.
struct HostileFixture: Sendable {
    let pivot: PivotProcess
    let raw: RawHTTP
    let now: Int64

    static let seedSeries = 10
    static let seedTraces = 3

    static func start(_ extraArguments: [String] = [], storagePath: String? = nil) async throws -> HostileFixture {
        let pivot = try PivotProcess(storagePath: storagePath, extraArguments: extraArguments)
        try await pivot.waitUntilReady()
        let fixture = HostileFixture(pivot: pivot, raw: RawHTTP(port: pivot.webPort), now: Int64(Date().timeIntervalSince1970 * 1000))
        var batch = WriteBatch()
        for index in 0..<seedSeries {
            batch.append(labels: Labels(["__name__": "seed_metric", "instance": "i\(index)"]), sample: Sample(timestamp: fixture.now, value: Double(index)))
        }
        let written = try await RemoteWriteClient(url: pivot.baseURL + "/api/v1/write").send(batch)
        #expect(written.status == 204, "\(written.body)")
        let traces = (1...seedTraces).map { index in
            SpanSpec(traceID: String(format: "5eed%028x", index), service: "seed", name: "seed op", attributes: ["n": "\(index)"])
        }
        let exported = try fixture.exportSpans(traces)
        #expect(exported.status == 200, "\(exported.text)")
        return fixture
    }

    /// One span, as OTLP/JSON fields.
    struct SpanSpec: Sendable {
        var traceID: String
        var spanID = "00000000000000a1"
        var service: String
        var name: String
        var attributes: [String: String] = [:]
    }

    /// Exports `spans` (one resource per span) over OTLP/HTTP JSON to the OTLP port.
    func exportSpans(_ spans: [SpanSpec]) throws -> RawHTTP.Response {
        let nanos = now * 1_000_000
        let resources = spans.map { span in
            let attributes = span.attributes.sorted { $0.key < $1.key }.map { key, value in
                #"{"key":\#(Self.json(key)),"value":{"stringValue":\#(Self.json(value))}}"#
            }.joined(separator: ",")
            return #"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":\#(Self.json(span.service))}}]},"scopeSpans":[{"spans":[{"traceId":"\#(span.traceID)","spanId":"\#(span.spanID)","name":\#(Self.json(span.name)),"kind":2,"startTimeUnixNano":"\#(nanos)","endTimeUnixNano":"\#(nanos + 1_000_000)","attributes":[\#(attributes)]}]}]}"#
        }
        let body = #"{"resourceSpans":["# + resources.joined(separator: ",") + "]}"
        return try RawHTTP(port: pivot.otlpHTTPPort).send(
            "POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    /// A JSON string literal of `text`.
    static func json(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), as: UTF8.self)
            .dropFirst().dropLast().description
    }

    /// The `data` of a Prometheus API answer that must be 200.
    func apiData(_ target: String) throws -> Any {
        let response = try raw.get(target)
        guard response.status == 200 else { throw PivotProcessError("GET \(target) → \(response.status): \(response.text)") }
        let object = try JSONSerialization.jsonObject(with: response.body) as! [String: Any]
        return object["data"] as Any
    }

    /// A JSON object answer that must be 200.
    func json(_ target: String) throws -> [String: Any] {
        let response = try raw.get(target)
        guard response.status == 200 else { throw PivotProcessError("GET \(target) → \(response.status): \(response.text)") }
        return try JSONSerialization.jsonObject(with: response.body) as! [String: Any]
    }

    /// Instant vector result of `query` as (labels, value) pairs.
    func vector(_ query: String) throws -> [(labels: [String: String], value: String)] {
        let data = try apiData("/api/v1/query?query=\(RawHTTP.formEncode(query))&time=\(Double(now) / 1000)") as! [String: Any]
        return (data["result"] as! [[String: Any]]).map { item in
            (item["metric"] as! [String: String], (item["value"] as! [Any])[1] as! String)
        }
    }

    /// Trace ids a Tempo search for `traceQL` finds.
    func tempoSearch(_ traceQL: String, limit: Int = 1_000) throws -> [String] {
        let object = try json("/api/search?q=\(RawHTTP.formEncode(traceQL))&limit=\(limit)")
        return (object["traces"] as! [[String: Any]]).map { $0["traceID"] as! String }
    }

    /// Checks the server is healthy and still holds every seeded series and trace.
    /// `traces: false` skips the trace search (for a server whose searches are cut short on purpose).
    func expectIntact(_ context: String, traces checkTraces: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let healthy = try raw.get("/-/healthy")
        #expect(healthy.status == 200, "after \(context)", sourceLocation: sourceLocation)
        let series = try vector("seed_metric")
        #expect(series.count == Self.seedSeries, "after \(context): \(series.count) seed series", sourceLocation: sourceLocation)
        #expect(Set(series.map(\.value)) == Set((0..<Self.seedSeries).map(String.init)), "after \(context)", sourceLocation: sourceLocation)
        if !checkTraces { return }
        let traces = try tempoSearch(#"{ resource.service.name = "seed" }"#)
        #expect(traces.count == Self.seedTraces, "after \(context): \(traces.count) seed traces", sourceLocation: sourceLocation)
        #expect(pivot.process.isRunning, "after \(context)", sourceLocation: sourceLocation)
    }

    func stop() async throws {
        _ = try await pivot.stop()
    }
}

/// A hostile request and the status it must get, with a word the answer must contain.
struct HostileCase: Sendable, CustomStringConvertible {
    var name: String
    var method = "GET"
    var target: [UInt8]
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var status: Int
    var says: String

    init(_ name: String, _ method: String = "GET", _ target: String, headers: [(String, String)] = [], body: [UInt8] = [],
         status: Int, says: String) {
        self.name = name
        self.method = method
        self.target = Array(target.utf8)
        self.headers = headers
        self.body = body
        self.status = status
        self.says = says
    }

    init(_ name: String, rawTarget: [UInt8], status: Int, says: String) {
        self.name = name
        target = rawTarget
        self.status = status
        self.says = says
    }

    var description: String { name }

    /// Sends the request; expects its status and that the body explains (contains `says`).
    func check(on fixture: HostileFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let response: RawHTTP.Response
        do {
            response = try fixture.raw.send(method, target, headers: headers, body: body)
        } catch {
            Issue.record("\(name): \(error); pivot running: \(fixture.pivot.process.isRunning)", sourceLocation: sourceLocation)
            return
        }
        #expect(response.status == status, "\(name): \(response.status) \(response.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(says.isEmpty || response.text.contains(says), "\(name): body \(response.text.prefix(300)) lacks \"\(says)\"", sourceLocation: sourceLocation)
    }
}
