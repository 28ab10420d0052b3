import Foundation
import PivotModel
import PivotTraceQuery
import PivotWire
import SwiftProtobuf
import Testing

/// Jaeger conversion is checked against reviewed golden files in `JaegerGolden/` (pretty-printed;
/// compared after removing whitespace outside strings, so key order and value types must match).
/// Run with `PIVOT_UPDATE_GOLDEN=1` to rewrite them after a deliberate change, then review the diff.
@Suite struct JaegerConversionTests {
    static func goldenCases() -> [(name: String, data: PBTracesData)] {
        [("rich_trace", richTrace()), ("bare_resource", bareResourceTrace())]
    }

    @Test(arguments: goldenCases().map(\.name))
    func traceMatchesTheGoldenFile(_ name: String) throws {
        // The Jaeger UI JSON of each fixture trace equals the reviewed golden file.
        let data = try #require(Self.goldenCases().first(where: { $0.name == name })?.data)
        let parts = try StoredParts(data)
        let trace = try JaegerConversion.trace(
            traceID: parts.spans.first?.traceID ?? [], resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        let output = JaegerEnvelope.traces([trace])
        let url = testDirectory().appendingPathComponent("JaegerGolden/\(name).json")
        if ProcessInfo.processInfo.environment["PIVOT_UPDATE_GOLDEN"] == "1" {
            // Written compact; pretty-print it (keeping key order) before committing, e.g. `python3 -m json.tool`.
            try Data(output.utf8).write(to: url)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(output == minified(golden))
    }

    @Test func processesAreSharedByIdenticalResources() throws {
        // Two stored resources with the same service and tags become one process.
        var parts = try StoredParts(richTrace())
        parts.resources.append(parts.resources[0])
        parts.spans[1].resource = 2
        let trace = try JaegerConversion.trace(traceID: [], resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(trace.utf8)) as? [String: Any])
        let processes = try #require(object["processes"] as? [String: Any])
        #expect(processes.keys.sorted() == ["p1", "p2"])
        let spans = try #require(object["spans"] as? [[String: Any]])
        #expect(spans.map { $0["processID"] as? String } == ["p1", "p1", "p2"])
    }

    @Test func traceIDsWithAZeroHighHalfPrintAsSixteenDigits() {
        // Jaeger prints a trace id whose first 8 bytes are zero as 16 digits.
        #expect(JaegerConversion.jaegerTraceID([UInt8](repeating: 0, count: 8) + [1, 2, 3, 4, 5, 6, 7, 8]) == "0102030405060708")
        #expect(JaegerConversion.jaegerTraceID([1] + [UInt8](repeating: 0, count: 15)) == "01000000000000000000000000000000")
    }

    @Test func envelopesHaveJaegersShape() {
        // Services, operations and the 404 body use Jaeger's structured response.
        #expect(JaegerEnvelope.services(["api", "db"]) == #"{"data":["api","db"],"total":2,"limit":0,"offset":0,"errors":null}"#)
        #expect(JaegerEnvelope.operations([]) == #"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#)
        #expect(
            JaegerEnvelope.operationsWithKind([("GET /x", 2), ("work", 0)])
                == #"{"data":[{"name":"GET /x","spanKind":"server"},{"name":"work","spanKind":""}],"total":2,"limit":0,"offset":0,"errors":null}"#)
        #expect(
            JaegerEnvelope.notFound() == #"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}"#)
        #expect(JaegerEnvelope.traces([]) == #"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#)
    }

    @Test func corruptSpanBytesAreReported() throws {
        // A stored span that does not decode throws instead of printing a wrong span.
        var parts = try StoredParts(richTrace())
        parts.spans[0].bytes = [0x0A, 0x7F]
        #expect(throws: TraceEncodingError.self) {
            _ = try JaegerConversion.trace(traceID: [], resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        }
    }
}

/// A resource without attributes, a scope without name, a root span with neither kind nor status, a
/// child whose link to its parent says `child_of`, and a link of type follows-from to another trace.
func bareResourceTrace() -> PBTracesData {
    let traceID = hexBytes("0000000000000000000000000000abcd")
    let root = PBSpan.with {
        $0.traceID = traceID
        $0.spanID = hexBytes("0000000000000001")
        $0.name = "root"
        $0.startTimeUnixNano = 1_000_999
        $0.endTimeUnixNano = 3_000_000
    }
    let child = PBSpan.with {
        $0.traceID = traceID
        $0.spanID = hexBytes("0000000000000002")
        $0.parentSpanID = hexBytes("0000000000000001")
        $0.name = "child"
        $0.kind = .producer
        $0.startTimeUnixNano = 2_000_000
        $0.endTimeUnixNano = 1_000_000
        $0.links = [
            PBSpan.Link.with {
                $0.traceID = traceID
                $0.spanID = hexBytes("0000000000000001")
                $0.attributes = [kv("opentracing.ref_type", str("child_of"))]
            },
            PBSpan.Link.with {
                $0.traceID = hexBytes("ffffffffffffffff0000000000000001")
                $0.spanID = hexBytes("0000000000000009")
            },
        ]
        $0.events = [
            PBSpan.Event.with {
                $0.timeUnixNano = 2_500_000
                $0.name = "ignored name"
                $0.attributes = [kv("event", str("explicit")), kv("n", int(-3))]
            },
            PBSpan.Event.with { $0.timeUnixNano = 2_600_000 },
        ]
    }
    return PBTracesData.with {
        $0.resourceSpans = [
            PBResourceSpans.with {
                $0.resource = Opentelemetry_Proto_Resource_V1_Resource()
                $0.scopeSpans = [PBScopeSpans.with { $0.spans = [root, child] }]
            }
        ]
    }
}

/// JSON text without the whitespace outside strings.
func minified(_ json: String) -> String {
    var out = ""
    var inString = false
    var escaped = false
    for c in json {
        if inString {
            out.append(c)
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
        } else if c == "\"" {
            inString = true
            out.append(c)
        } else if !c.isWhitespace {
            out.append(c)
        }
    }
    return out
}
