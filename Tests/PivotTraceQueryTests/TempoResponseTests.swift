import Foundation
import PivotModel
import PivotTraceQuery
import Testing

@Suite struct TempoResponseTests {
    func span(_ id: UInt8, name: String, start: UInt64, end: UInt64, attributes: [SpanAttribute] = []) -> SpanBatch.Span {
        SpanBatch.Span(
            traceID: [UInt8](repeating: 0, count: 15) + [0xab], spanID: [0, 0, 0, 0, 0, 0, 0, id], name: name, startTimeUnixNano: start,
            endTimeUnixNano: end, attributes: attributes, resource: 0, scope: 0, bytes: [])
    }

    @Test func searchResponseHasTempoFieldNamesAndTypes() {
        // uint64 values are strings, durationMs and matched numbers, ids full-width hex, spanSet repeats the first spanSets entry.
        let s = span(1, name: "GET /x", start: 1_700_000_000_000_000_000, end: 1_700_000_000_012_500_000,
            attributes: [SpanAttribute(key: "http.status_code", value: .int(500))])
        let trace = TempoSearchResponse.Trace(
            traceID: s.traceID, rootServiceName: "api", rootTraceName: "GET /x", startTimeUnixNano: 1_700_000_000_000_000_000,
            durationNanos: 12_500_000, spans: [.init(span: s, serviceName: "api")], matched: 4)
        let json = TempoSearchResponse.json(
            traces: [trace], metrics: .init(inspectedTraces: 7, inspectedBytes: 1024, inspectedSpans: 30),
            attributeKeys: ["service.name", "http.status_code", "missing"])
        let spanSet =
            #"{"spans":[{"spanID":"0000000000000001","name":"GET /x","startTimeUnixNano":"1700000000000000000","durationNanos":"12500000","attributes":[{"key":"service.name","value":{"stringValue":"api"}},{"key":"http.status_code","value":{"intValue":"500"}}]}],"matched":4}"#
        let expected =
            #"{"traces":[{"traceID":"000000000000000000000000000000ab","rootServiceName":"api","rootTraceName":"GET /x","startTimeUnixNano":"1700000000000000000","durationMs":12,"spanSet":"#
            + spanSet + #","spanSets":["# + spanSet
            + #"]}],"metrics":{"inspectedTraces":7,"inspectedBytes":"1024","inspectedSpans":"30","completedJobs":1,"totalJobs":1}}"#
        #expect(json == expected)
    }

    @Test func emptySearchStillHasTracesAndMetrics() {
        // No traces gives an empty array, not a missing field.
        #expect(
            TempoSearchResponse.json(traces: [], metrics: .init())
                == #"{"traces":[],"metrics":{"inspectedTraces":0,"inspectedBytes":"0","inspectedSpans":"0","completedJobs":1,"totalJobs":1}}"#)
    }

    @Test func tagNameResponsesHaveV1AndV2Shapes() {
        // v1 lists names; v2 groups them by scope, intrinsic scope included.
        #expect(TempoTagResponse.tagNamesV1(["a", "b"]) == #"{"tagNames":["a","b"]}"#)
        #expect(
            TempoTagResponse.tagNamesV2([("resource", ["service.name"]), ("span", []), ("intrinsic", TempoTagResponse.intrinsicTags)])
                == #"{"scopes":[{"name":"resource","tags":["service.name"]},{"name":"span","tags":[]},{"name":"intrinsic","tags":["duration","kind","name","status"]}]}"#
        )
    }

    @Test func tagValueResponsesCarryTypesInV2() {
        // v1 gives text; v2 gives Tempo's type names, or keyword for status and kind.
        let values: [SpanAttribute.Value] = [.string("x\"y"), .int(200), .double(1.5), .bool(true)]
        #expect(TempoTagResponse.tagValuesV1(values) == #"{"tagValues":["x\"y","200","1.5","true"]}"#)
        #expect(
            TempoTagResponse.tagValuesV2(values)
                == #"{"tagValues":[{"type":"string","value":"x\"y"},{"type":"int","value":"200"},{"type":"float","value":"1.5"},{"type":"bool","value":"true"}]}"#
        )
        #expect(TempoTagResponse.tagValuesV2([.string("error")], kind: .keyword) == #"{"tagValues":[{"type":"keyword","value":"error"}]}"#)
    }

    @Test func controlCharactersInStringsAreEscaped() throws {
        // JSON output stays valid for names with newlines, tabs and control characters.
        let json = TempoTagResponse.tagNamesV1(["a\nb\t\u{01}\\"])
        #expect(json == #"{"tagNames":["a\nb\t\u0001\\"]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String]]
        #expect(parsed?["tagNames"] == ["a\nb\t\u{01}\\"])
    }
}
