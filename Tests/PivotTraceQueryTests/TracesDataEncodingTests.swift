import Foundation
import PivotModel
import PivotTraceQuery
import PivotWire
import SwiftProtobuf
import Testing

@Suite struct TracesDataEncodingTests {
    @Test func reassembledTraceIsByteForByteTheOriginal() throws {
        // Spans grouped by resource and scope in order of appearance re-create the sent TracesData exactly.
        let data = richTrace()
        let parts = try StoredParts(data)
        let bytes = TracesDataEncoding.tracesData(resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        #expect(bytes == (try data.serializedBytes() as [UInt8]))
    }

    @Test func spansOfOneResourceAndScopeAreGroupedEvenWhenInterleaved() throws {
        // Spans in start-time order that alternate between resources still form one ResourceSpans each.
        let parts = try StoredParts(richTrace())
        let interleaved = [parts.spans[0], parts.spans[2], parts.spans[1]]
        let bytes = TracesDataEncoding.tracesData(resources: parts.resources, scopes: parts.scopes, spans: interleaved)
        let decoded = try PBTracesData(serializedBytes: bytes)
        #expect(decoded.resourceSpans.count == 2)
        #expect(decoded.resourceSpans[0].scopeSpans.map { $0.spans.map(\.name) } == [["GET /users"], ["SELECT users"]])
        #expect(decoded.resourceSpans[1].scopeSpans.map { $0.spans.map(\.name) } == [["query"]])
        #expect(decoded.resourceSpans[0].schemaURL == "https://opentelemetry.io/schemas/1.21.0")
        #expect(decoded.resourceSpans[0].scopeSpans[0].schemaURL == "https://opentelemetry.io/schemas/1.20.0")
    }

    @Test func unknownFieldsInStoredSpansSurvive() throws {
        // A span carrying a field this build does not know is returned with it.
        var parts = try StoredParts(richTrace())
        parts.spans[0].bytes += [0xF8, 0x07, 0x2A]  // field 127, varint 42
        let bytes = TracesDataEncoding.tracesData(resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        let decoded = try PBTracesData(serializedBytes: bytes)
        let span = decoded.resourceSpans[0].scopeSpans[0].spans[0]
        #expect(Array(span.unknownFields.data) == [0xF8, 0x07, 0x2A])
    }

    @Test func traceByIDResponseAlwaysHasTheTraceField() throws {
        // An empty trace still writes field 1 (tag 0x0A, length 0); status and message only when set.
        #expect(TracesDataEncoding.traceByIDResponse(tracesData: []) == [0x0A, 0x00])
        let partial = TracesDataEncoding.traceByIDResponse(tracesData: [0x0A, 0x00], status: .partial, message: "hi")
        #expect(partial == [0x0A, 0x02, 0x0A, 0x00, 0x18, 0x01, 0x22, 0x02, 0x68, 0x69])
    }

    @Test func traceByIDResponseWrapsTheTraceBytes() throws {
        // Field 1 of the response decodes as the TracesData that was passed in.
        let parts = try StoredParts(richTrace())
        let trace = TracesDataEncoding.tracesData(resources: parts.resources, scopes: parts.scopes, spans: parts.spans)
        let response = TracesDataEncoding.traceByIDResponse(tracesData: trace)
        #expect(response.first == 0x0A)
        #expect(Array(response.suffix(trace.count)) == trace)
    }
}
