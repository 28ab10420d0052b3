import PivotRemoteWrite
import Testing

@Suite struct ContentNegotiationTests {
    static let contentTypes: [(String?, RemoteWriteVersion?)] = [
        (nil, .v1),
        ("", .v1),
        ("   ", .v1),
        ("application/x-protobuf", .v1),
        ("Application/X-Protobuf", .v1),
        ("application/x-protobuf;proto=prometheus.WriteRequest", .v1),
        ("application/x-protobuf; proto=prometheus.WriteRequest", .v1),
        ("application/x-protobuf;proto=io.prometheus.write.v2.Request", .v2),
        (" application/x-protobuf ; proto = io.prometheus.write.v2.Request ", .v2),
        ("application/x-protobuf;PROTO=io.prometheus.write.v2.Request", .v2),
        ("application/x-protobuf;proto=\"io.prometheus.write.v2.Request\"", .v2),
        ("application/x-protobuf;charset=utf-8", .v1),
        ("application/x-protobuf;", .v1),
        ("application/json", nil),
        ("text/plain", nil),
        ("application/x-protobuf;proto=io.prometheus.write.v3.Request", nil),
        ("application/x-protobuf;proto=io.prometheus.write.v2.request", nil),
        ("application/x-protobuf;proto", nil),
        ("application/x-protobuf-extra", nil),
    ]

    @Test(arguments: contentTypes)
    func theContentTypeSelectsTheVersionOrIsUnsupported(contentType: String?, expected: RemoteWriteVersion?) {
        // Content-Type maps to 1.0 or 2.0 as client_golang does; anything else is an unsupported-media error.
        do {
            let version = try RemoteWriteVersion(contentType: contentType)
            #expect(version == expected)
        } catch {
            #expect(expected == nil, "\(contentType ?? "nil"): \(error.message)")
            #expect(error.code == .unsupportedContentType)
            #expect(error.message.hasPrefix("unsupported Content-Type"))
        }
    }

    @Test func anUnknownProtoMessageIsNamedInTheError() {
        // The error for an unknown proto= lists the messages Pivot accepts.
        #expect(throws: RemoteWriteNegotiationError(
            .unsupportedContentType,
            "unsupported Content-Type \"application/x-protobuf;proto=foo\": unknown message proto=foo; "
                + "accepted: prometheus.WriteRequest, io.prometheus.write.v2.Request")) {
            _ = try RemoteWriteVersion(contentType: "application/x-protobuf;proto=foo")
        }
    }

    static let contentEncodings: [(String?, Bool)] = [
        (nil, true), ("", true), ("snappy", true), ("Snappy", true), (" snappy ", true),
        ("gzip", false), ("zstd", false), ("snappy, gzip", false), ("identity", false),
    ]

    @Test(arguments: contentEncodings)
    func onlySnappyOrNoContentEncodingIsAccepted(encoding: String?, accepted: Bool) {
        // Content-Encoding must be absent, empty or snappy; anything else is an unsupported-encoding error.
        do {
            try RemoteWriteVersion.checkContentEncoding(encoding)
            #expect(accepted)
        } catch {
            #expect(!accepted)
            #expect(error.code == .unsupportedContentEncoding)
            #expect(error.message.contains("only snappy is accepted"))
        }
    }

    @Test func eachVersionAdvertisesItsCanonicalHeaders() throws {
        // The canonical Content-Type of each version parses back to that version.
        for version in RemoteWriteVersion.allCases {
            #expect(try RemoteWriteVersion(contentType: version.contentType) == version)
        }
        #expect(RemoteWriteVersion.v1.headerValue == "0.1.0")
        #expect(RemoteWriteVersion.v2.headerValue == "2.0.0")
    }
}
