import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

/// Label values, service names, span names and attributes full of quotes and SQL are data, never SQL:
/// each comes back exactly through every query surface, matches only itself, and all other data —
/// including after a restart, which reads the SQLite files again — is untouched.
@Suite(.serialized) struct SQLInjectionTests {
    static let hostile = [
        "'); DROP TABLE series; --",
        "\" OR 1=1 --",
        "' OR '1'='1",
        "%",
        "_",
        "\\",
        "\\\\'",
        "a%b_c",
        "*/ DELETE FROM chunks; /*",
        "x'; DELETE FROM spans WHERE '1'='1",
        "Robert'); DROP TABLE traces;--",
        "NULL",
        "; VACUUM; PRAGMA writable_schema=1;",
        "日本語 ✓ 🚀 \u{202E}",
        "`backtick` $1 ?1 :name @p",
        "\"quoted\" 'single' \"\"\"",
    ]

    /// `text` as a double-quoted PromQL / TraceQL string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `text` as an RE2 pattern matching exactly it.
    static func regexLiteral(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\.+*?()|[]{}^$".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    static func traceID(_ index: Int) -> String { String(format: "5c1e%028x", index) }

    @Test func hostileStringsAreDataEverywhere() async throws {
        // Every hostile string is stored and found exactly by PromQL, the label APIs, TraceQL, Tempo tags and Jaeger.
        let storage = PivotProcess.temporaryDirectory("pivot-sql-injection")
        var fixture = try await HostileFixture.start(storagePath: storage)
        var batch = WriteBatch()
        for (index, value) in Self.hostile.enumerated() {
            batch.append(labels: Labels(["__name__": "inj_metric", "i": "\(index)", "v": value]), sample: Sample(timestamp: fixture.now, value: Double(index)))
        }
        let written = try await RemoteWriteClient(url: fixture.pivot.baseURL + "/api/v1/write").send(batch)
        #expect(written.status == 204, "\(written.body)")
        let spans = Self.hostile.enumerated().map { index, value in
            HostileFixture.SpanSpec(traceID: Self.traceID(index), service: value, name: value, attributes: ["x": value, value: "key"])
        }
        let exported = try fixture.exportSpans(spans)
        #expect(exported.status == 200, "\(exported.text)")

        try check(fixture)
        try await fixture.stop()

        // The SQLite files hold everything and nothing was dropped: a restart reads them back.
        let restarted = try PivotProcess(storagePath: storage)
        try await restarted.waitUntilReady()
        fixture = HostileFixture(pivot: restarted, raw: RawHTTP(port: restarted.webPort), now: fixture.now)
        try check(fixture)
        try await fixture.stop()
    }

    func check(_ fixture: HostileFixture) throws {
        for (index, value) in Self.hostile.enumerated() {
            let equal = try fixture.vector("inj_metric{v=\(Self.quoted(value))}")
            #expect(equal.map(\.labels["i"]) == ["\(index)"], "v=\(value)")
            #expect(equal.first?.labels["v"] == value)
            let regex = try fixture.vector("inj_metric{v=~\(Self.quoted(Self.regexLiteral(value)))}")
            #expect(regex.map(\.labels["i"]) == ["\(index)"], "v=~\(value)")
            let notEqual = try fixture.vector("inj_metric{v!=\(Self.quoted(value))}")
            #expect(notEqual.count == Self.hostile.count - 1, "v!=\(value)")
            let series = try fixture.apiData("/api/v1/series?match[]=" + RawHTTP.formEncode("inj_metric{v=\(Self.quoted(value))}")) as? [[String: String]]
            #expect(series?.map { $0["v"] } == [value])

            let id = Self.traceID(index)
            let byAttribute = try fixture.tempoSearch("{ span.x = \(Self.quoted(value)) }")
            #expect(byAttribute == [id], "span.x = \(value)")
            let byService = try fixture.tempoSearch("{ resource.service.name = \(Self.quoted(value)) }")
            #expect(byService == [id], "service \(value)")
            let byName = try fixture.tempoSearch("{ name = \(Self.quoted(value)) && span.x =~ \(Self.quoted(Self.regexLiteral(value))) }")
            #expect(byName == [id], "name \(value)")
            let byKey = try fixture.tempoSearch("{ span.\(Self.quoted(value)) = \"key\" }")
            #expect(byKey == [id], "key \(value)")
            let jaeger = try fixture.json("/jaeger/api/traces?service=" + RawHTTP.formEncode(value) + "&operation=" + RawHTTP.formEncode(value))
            let found = (jaeger["data"] as? [[String: Any]])?.map { $0["traceID"] as? String }
            #expect(found == [id], "Jaeger service \(value)")
            let operations = try fixture.json("/jaeger/api/services/" + RawHTTP.formEncode(value) + "/operations")
            #expect(operations["data"] as? [String] == [value])
        }
        let values = try fixture.apiData("/api/v1/label/v/values") as? [String]
        #expect(Set(values ?? []) == Set(Self.hostile))
        let tagValues = try fixture.json("/api/v2/search/tag/span.x/values")["tagValues"] as? [[String: Any]]
        #expect(Set(tagValues?.compactMap { $0["value"] as? String } ?? []) == Set(Self.hostile))
        let services = try fixture.json("/jaeger/api/services")["data"] as? [String]
        #expect(Set(services ?? []) == Set(Self.hostile + ["seed"]))
        #expect(try fixture.vector("count(inj_metric)").first?.value == "\(Self.hostile.count)")
        #expect(try fixture.tempoSearch("{ span.x != nil }").count == Self.hostile.count)
        try fixture.expectIntact("hostile strings")
    }
}
