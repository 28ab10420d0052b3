import Foundation
import PivotModel
import PivotRemoteWrite
import Testing

/// Hostile remote-write requests against the real binary: each gets a clear 4xx, the server keeps
/// serving, and the data written before is all still there.
@Suite(.serialized) struct HostileRemoteWriteTests {
    static let v1 = "application/x-protobuf"
    static let v2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request"

    static func headers(_ contentType: String) -> [(String, String)] {
        [("Content-Type", contentType), ("Content-Encoding", "snappy"), ("X-Prometheus-Remote-Write-Version", "0.1.0")]
    }

    /// A snappy block whose header declares `length` bytes, followed by one short literal.
    static func declaring(_ length: Int) -> [UInt8] {
        var out: [UInt8] = []
        var value = UInt64(length)
        while value >= 0x80 {
            out.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out + [0x08, 0x61, 0x62, 0x63]  // a literal of 3 bytes, "abc"
    }

    @Test(arguments: [v1, v2])
    func snappyBombsAre413AndTheServerKeepsServing(contentType: String) async throws {
        // Small bodies that expand (or claim to) past the 1 MiB decompressed limit are 413 before inflating.
        let fixture = try await HostileFixture.start(["--remote-write.max-decompressed-body-bytes=1048576"])
        let expands = Snappy.compress([UInt8](repeating: 0, count: 8 << 20))
        #expect(expands.count < 1 << 20)
        for (name, body) in [("8 MiB of zeros", expands), ("a header declaring 1 GiB", Self.declaring(1 << 30)),
                             ("a header declaring 4 GiB", Self.declaring(Int(UInt32.max)))] {
            let response = try fixture.raw.send("POST", "/api/v1/write", headers: Self.headers(contentType), body: body)
            #expect(response.status == 413, "\(name): \(response.status) \(response.text)")
            #expect(response.text.contains("limit"), "\(name): \(response.text)")
        }
        // A length past 32 bits is not a snappy header; one that under-declares what the block holds is corrupt.
        let overlong = try fixture.raw.send("POST", "/api/v1/write", headers: Self.headers(contentType), body: Self.declaring(Int.max))
        #expect(overlong.status == 400, "\(overlong.status) \(overlong.text)")
        #expect(overlong.text.contains("snappy"))
        let lying = Snappy.compress([UInt8](repeating: 7, count: 4096))
        let response = try fixture.raw.send("POST", "/api/v1/write", headers: Self.headers(contentType), body: [0x10] + lying.drop { $0 & 0x80 != 0 }.dropFirst())
        #expect(response.status == 400, "\(response.status) \(response.text)")
        try fixture.expectIntact("snappy bombs")
        try await fixture.stop()
    }

    @Test func wrongMethodsContentTypesAndEncodingsAreRefused() async throws {
        // Not a POST: 405; a content type or encoding Pivot cannot read: 415; a body that is not snappy: 400.
        let fixture = try await HostileFixture.start()
        let good = Snappy.compress(RemoteWriteEncoder().encode(WriteBatch(), version: .v1))
        let cases = [
            HostileCase("GET", "GET", "/api/v1/write", status: 405, says: "not allowed"),
            HostileCase("PUT", "PUT", "/api/v1/write", headers: Self.headers(Self.v1), body: good, status: 405, says: "not allowed"),
            HostileCase("DELETE", "DELETE", "/api/v1/write", status: 405, says: "not allowed"),
            HostileCase("JSON content type", "POST", "/api/v1/write", headers: [("Content-Type", "application/json"), ("Content-Encoding", "snappy")],
                        body: good, status: 415, says: "Content-Type"),
            HostileCase("form content type", "POST", "/api/v1/write", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                        body: Array("a=b".utf8), status: 415, says: "Content-Type"),
            HostileCase("unknown proto message", "POST", "/api/v1/write", headers: Self.headers("application/x-protobuf;proto=evil.Message"),
                        body: good, status: 415, says: "evil.Message"),
            HostileCase("gzip encoding", "POST", "/api/v1/write",
                        headers: [("Content-Type", Self.v1), ("Content-Encoding", "gzip")], body: good, status: 415, says: "gzip"),
            HostileCase("not snappy", "POST", "/api/v1/write", headers: Self.headers(Self.v1),
                        body: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], status: 400, says: "snappy"),
            HostileCase("snappy of garbage protobuf", "POST", "/api/v1/write", headers: Self.headers(Self.v1),
                        body: Snappy.compress([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), status: 400, says: ""),
        ]
        for hostile in cases { try hostile.check(on: fixture) }
        try fixture.expectIntact("wrong methods, types and encodings")
        try await fixture.stop()
    }

    @Test(arguments: [RemoteWriteVersion.v1, .v2])
    func hugeLabelValuesAndTenThousandLabelsAre400NamingTheProblem(version: RemoteWriteVersion) async throws {
        // A 1 MB label value and a series of 10,000 labels are refused whole; nothing of them is stored.
        let fixture = try await HostileFixture.start()
        let client = RemoteWriteClient(url: fixture.pivot.baseURL + "/api/v1/write", version: version)
        var huge = WriteBatch()
        huge.append(labels: Labels(["__name__": "huge_value", "v": String(repeating: "x", count: 1 << 20)]), sample: Sample(timestamp: fixture.now, value: 1))
        let hugeResponse = try await client.send(huge)
        #expect(hugeResponse.status == 400)
        #expect(hugeResponse.body.contains("1048576 bytes"), "\(hugeResponse.body.prefix(300))")
        var many = WriteBatch()
        many.append(
            labels: Labels([Label(name: "__name__", value: "many_labels")] + (0..<10_000).map { Label(name: "l\($0)", value: "v") }),
            sample: Sample(timestamp: fixture.now, value: 1))
        let manyResponse = try await client.send(many)
        #expect(manyResponse.status == 400)
        #expect(manyResponse.body.contains("labels"), "\(manyResponse.body.prefix(300))")
        #expect(try fixture.vector("huge_value").isEmpty)
        #expect(try fixture.vector("many_labels").isEmpty)
        try fixture.expectIntact("huge labels")
        try await fixture.stop()
    }

    /// A remote-write 1.0 request of one series with the given raw label bytes and one sample.
    static func v1Request(labels: [([UInt8], [UInt8])], value: Double, timestamp: Int64) -> [UInt8] {
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
            var length: [UInt8] = []
            var n = bytes.count
            while n >= 0x80 {
                length.append(UInt8(n & 0x7f) | 0x80)
                n >>= 7
            }
            length.append(UInt8(n))
            return [number << 3 | 2] + length + bytes
        }
        var series: [UInt8] = []
        for (name, labelValue) in labels { series += field(1, field(1, name) + field(2, labelValue)) }
        var sample: [UInt8] = [0x09]
        withUnsafeBytes(of: value.bitPattern.littleEndian) { sample += $0 }
        sample.append(0x10)
        var t = UInt64(bitPattern: timestamp)
        while t >= 0x80 {
            sample.append(UInt8(t & 0x7f) | 0x80)
            t >>= 7
        }
        sample.append(UInt8(t))
        series += field(2, sample)
        return Snappy.compress(field(1, series))
    }

    @Test func invalidUTF8LabelNamesAndValuesAre400() async throws {
        // Label bytes that are not UTF-8 are refused, never stored mangled.
        let fixture = try await HostileFixture.start()
        let name = Array("__name__".utf8)
        for (what, labels) in [
            ("value", [(name, Array("bad_utf8".utf8)), (Array("v".utf8), [0x61, 0xff, 0xfe])]),
            ("name", [(name, Array("bad_utf8".utf8)), ([0xc3, 0x28], Array("x".utf8))]),
            ("metric name", [(name, [0x62, 0x80])]),
        ] {
            let response = try fixture.raw.send(
                "POST", "/api/v1/write", headers: Self.headers(Self.v1), body: Self.v1Request(labels: labels, value: 1, timestamp: fixture.now))
            #expect(response.status == 400, "invalid UTF-8 in a label \(what): \(response.status) \(response.text)")
            #expect(response.text.contains("UTF-8"), "\(what): \(response.text)")
        }
        #expect(try fixture.vector("bad_utf8").isEmpty)
        #expect(try fixture.vector(#"{__name__=~"b.*"}"#).isEmpty)
        try fixture.expectIntact("invalid UTF-8 labels")
        try await fixture.stop()
    }

    @Test(arguments: [RemoteWriteVersion.v1, .v2])
    func extremeTimestampsAreAnsweredWithoutCrashing(version: RemoteWriteVersion) async throws {
        // Samples or exemplars at Int64.min, Int64.max or past Prometheus's ±292-million-year range are 400 out of bounds; the server keeps everything else.
        let fixture = try await HostileFixture.start()
        let client = RemoteWriteClient(url: fixture.pivot.baseURL + "/api/v1/write", version: version)
        let series: [(String, [Int64])] = [
            ("extreme_a", [Int64.min, Int64.max]), ("extreme_b", [Int64.min + 1, 0, Int64.max - 1]),
            ("extreme_c", [-9_000_000_000_000_000_000, 9_000_000_000_000_000_000]), ("extreme_d", [Int64.max]),
            ("extreme_e", [0, 1, Int64.max]), ("extreme_f", [Int64.min]), ("extreme_g", [9_223_309_901_257_975]),
        ]
        for (name, timestamps) in series {
            var batch = WriteBatch()
            batch.append(labels: Labels(["__name__": name]), samples: timestamps.map { Sample(timestamp: $0, value: 1) })
            var exemplarBatch = WriteBatch()
            exemplarBatch.append(
                labels: Labels(["__name__": name + "_exemplar"]), samples: [Sample(timestamp: fixture.now, value: 1)],
                exemplars: timestamps.map { Exemplar(labels: Labels(["trace_id": "abc"]), value: 1, timestamp: $0) })
            for request in [batch, exemplarBatch] {
                let response = try await client.send(request)
                #expect(response.status == 400, "\(name): \(response.status) \(response.body)")
                #expect(response.body.contains("out of bounds"), "\(name): \(response.body)")
                #expect(fixture.pivot.process.isRunning, "\(name) stopped the server")
            }
        }
        let exemplars = try fixture.raw.get("/api/v1/query_exemplars?query=" + RawHTTP.formEncode("{__name__=~\"extreme.*\"}"))
        #expect(exemplars.status == 200)
        for target in ["/api/v1/series?match[]=" + RawHTTP.formEncode("{__name__=~\"extreme.*\"}"),
                       "/api/v1/query?query=" + RawHTTP.formEncode("count_over_time({__name__=~\"extreme.*\"}[200y])"),
                       "/api/v1/status/tsdb"] {
            let response = try fixture.raw.get(target)
            #expect(response.status == 200, "\(target): \(response.status) \(response.text.prefix(200))")
        }
        try fixture.expectIntact("extreme timestamps")
        try await fixture.stop()
    }

    @Test func nanAndInfiniteSampleValuesAreStoredAndReadBack() async throws {
        // NaN, +Inf and -Inf are legal sample values (only times must be finite): 204 and read back as written.
        let fixture = try await HostileFixture.start()
        var batch = WriteBatch()
        for (name, value) in [("nan", Double.nan), ("pinf", Double.infinity), ("ninf", -Double.infinity)] {
            batch.append(labels: Labels(["__name__": "special_value", "kind": name]), sample: Sample(timestamp: fixture.now, value: value))
        }
        let response = try await RemoteWriteClient(url: fixture.pivot.baseURL + "/api/v1/write").send(batch)
        #expect(response.status == 204, "\(response.body)")
        let values = Dictionary(uniqueKeysWithValues: try fixture.vector("special_value").map { ($0.labels["kind"]!, $0.value) })
        #expect(values == ["nan": "NaN", "pinf": "+Inf", "ninf": "-Inf"])
        try fixture.expectIntact("special values")
        try await fixture.stop()
    }
}
