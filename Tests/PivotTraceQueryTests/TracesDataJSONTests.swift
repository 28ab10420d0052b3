import Foundation
import PivotTraceQuery
import PivotWire
import SwiftProtobuf
import Testing

@Suite struct TracesDataJSONTests {
    func encodedTrace() throws -> [String: Any] {
        let parts = try StoredParts(richTrace())
        let bytes = TracesDataEncoding.tracesData(resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        let json = try TracesDataEncoding.tracesDataJSON(bytes)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func idsAreHexAndEveryFieldIsPresent() throws {
        // Trace, span, parent and link ids print as hex; events, links, status, flags, trace state and dropped counts survive.
        let trace = try encodedTrace()
        let resourceSpans = try #require(trace["resourceSpans"] as? [[String: Any]])
        #expect(resourceSpans.count == 2)
        let resource = try #require(resourceSpans[0]["resource"] as? [String: Any])
        #expect(resource["droppedAttributesCount"] as? Int == 5)
        #expect(resourceSpans[0]["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.21.0")
        let scopeSpans = try #require(resourceSpans[0]["scopeSpans"] as? [[String: Any]])
        let scope = try #require(scopeSpans[0]["scope"] as? [String: Any])
        #expect(scope["name"] as? String == "io.opentelemetry.http")
        #expect(scope["version"] as? String == "1.2.3")
        let root = try #require((scopeSpans[0]["spans"] as? [[String: Any]])?.first)
        #expect(root["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(root["spanId"] as? String == "00f067aa0ba902b7")
        #expect(root["parentSpanId"] == nil)
        #expect(root["traceState"] as? String == "vendor=x")
        #expect(root["flags"] as? Int == 0x301)
        #expect(root["kind"] as? Int == 2)
        #expect(root["startTimeUnixNano"] as? String == "1700000000123456789")
        #expect(root["endTimeUnixNano"] as? String == "1700000000125802000")
        #expect(root["droppedAttributesCount"] as? Int == 2)
        #expect(root["droppedEventsCount"] as? Int == 3)
        #expect(root["droppedLinksCount"] as? Int == 4)
        #expect((root["status"] as? [String: Any])?["code"] as? Int == 1)
        let event = try #require((root["events"] as? [[String: Any]])?.first)
        #expect(event["name"] as? String == "cache miss")
        #expect(event["timeUnixNano"] as? String == "1700000000124000000")
        #expect(event["droppedAttributesCount"] as? Int == 1)
        let link = try #require((root["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == "0000000000000000a3ce929d0e0e4736")
        #expect(link["spanId"] as? String == "1111111111111111")
        #expect(link["traceState"] as? String == "linked=1")
        #expect(link["flags"] as? Int == 1)
        let child = try #require((scopeSpans[1]["spans"] as? [[String: Any]])?.first)
        #expect(child["parentSpanId"] as? String == "00f067aa0ba902b7")
        let status = try #require(child["status"] as? [String: Any])
        #expect(status["code"] as? Int == 2)
        #expect(status["message"] as? String == "connection reset")
    }

    @Test func attributeValuesOfEveryTypeKeepTheirOTLPJSONForm() throws {
        // int64 as a string, bytes as base64, arrays and key-value lists nested.
        let trace = try encodedTrace()
        let resourceSpans = try #require(trace["resourceSpans"] as? [[String: Any]])
        let scopeSpans = try #require(resourceSpans[0]["scopeSpans"] as? [[String: Any]])
        let root = try #require((scopeSpans[0]["spans"] as? [[String: Any]])?.first)
        let attributes = try #require(root["attributes"] as? [[String: Any]])
        func value(_ key: String) -> [String: Any]? {
            attributes.first(where: { $0["key"] as? String == key })?["value"] as? [String: Any]
        }
        #expect(value("http.method")?["stringValue"] as? String == "GET")
        #expect(value("http.status_code")?["intValue"] as? String == "200")
        #expect(value("ratio")?["doubleValue"] as? Double == 0.25)
        #expect(value("cached")?["boolValue"] as? Bool == false)
        #expect(value("raw")?["bytesValue"] as? String == "3q2+7w==")
        let list = try #require((value("list")?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]])
        #expect(list.count == 2)
        #expect(list[1]["intValue"] as? String == "1")
        let map = try #require((value("map")?["kvlistValue"] as? [String: Any])?["values"] as? [[String: Any]])
        #expect(map.map { $0["key"] as? String } == ["z", "a"])
    }

    @Test func jsonDecodesBackToTheSameMessageOnceIDsAreBase64Again() throws {
        // Apart from the hex ids, the JSON is swift-protobuf's proto3 JSON of the trace: all fields round-trip.
        let original = richTrace()
        let parts = try StoredParts(original)
        let bytes = TracesDataEncoding.tracesData(resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        var json = try TracesDataEncoding.tracesDataJSON(bytes)
        for id in ["4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "0000000000000000a3ce929d0e0e4736", "1111111111111111",
            "2222222222222222", "3333333333333333"]
        {
            json = json.replacingOccurrences(of: "\"\(id)\"", with: "\"\(hexBytes(id).base64EncodedString())\"")
        }
        let decoded = try PBTracesData(jsonString: json)
        #expect(decoded == original)
    }

    @Test func v2JSONWrapsTheTraceAndMarksPartialResults() throws {
        // {"trace":{...}} always, with status and message only for partial traces.
        #expect(try TracesDataEncoding.traceByIDResponseJSON(tracesData: []) == "{\"trace\":{}}")
        let partial = try TracesDataEncoding.traceByIDResponseJSON(tracesData: [], status: .partial, message: "too big")
        #expect(partial == "{\"trace\":{},\"status\":\"PARTIAL\",\"message\":\"too big\"}")
    }

    @Test func corruptBytesAreReported() {
        // Bytes that are not a TracesData message throw an invalid-protobuf error.
        #expect {
            _ = try TracesDataEncoding.tracesDataJSON([0x0A, 0x05, 0x01])
        } throws: { ($0 as? TraceEncodingError)?.code == .invalidProtobuf }
    }
}
