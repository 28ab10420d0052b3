extension RemoteWriteVersion {
    /// The media type of every remote-write body.
    public static let mediaType = "application/x-protobuf"

    /// Chooses the version from a `Content-Type` header value.
    ///
    /// - A missing or blank header means 1.0 (older senders send none).
    /// - The media type must be `application/x-protobuf` (compared case-insensitively).
    /// - Parameters are split on `;` and trimmed; each must be `key=value` (a quoted value is unquoted).
    ///   `proto=prometheus.WriteRequest` means 1.0, `proto=io.prometheus.write.v2.Request` means 2.0,
    ///   no `proto` parameter means 1.0, other parameters are ignored.
    /// - Anything else throws `RemoteWriteNegotiationError` (`unsupportedContentType`), which the HTTP
    ///   layer answers with 415 Unsupported Media Type.
    public init(contentType: String?) throws(RemoteWriteNegotiationError) {
        guard let contentType, !contentType.allSatisfy(\.isWhitespace) else {
            self = .v1
            return
        }
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: false).map(Self.trimmed)
        guard parts[0].lowercased() == Self.mediaType else {
            throw RemoteWriteNegotiationError(
                .unsupportedContentType,
                "unsupported Content-Type \"\(contentType)\": expected \(Self.mediaType)")
        }
        var version = RemoteWriteVersion.v1
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw RemoteWriteNegotiationError(
                    .unsupportedContentType,
                    "unsupported Content-Type \"\(contentType)\": parameter \"\(parameter)\" is not key=value")
            }
            guard Self.trimmed(pair[0]).lowercased() == "proto" else { continue }
            var value = Self.trimmed(pair[1])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard let chosen = Self.allCases.first(where: { $0.protoMessage == value }) else {
                throw RemoteWriteNegotiationError(
                    .unsupportedContentType,
                    "unsupported Content-Type \"\(contentType)\": unknown message proto=\(value); "
                        + "accepted: \(Self.allCases.map(\.protoMessage).joined(separator: ", "))")
            }
            version = chosen
        }
        self = version
    }

    /// Checks a `Content-Encoding` header value: missing, blank or `snappy` (any case) is accepted; the
    /// body is snappy block format in every accepted case. Anything else throws
    /// `RemoteWriteNegotiationError` (`unsupportedContentEncoding`), answered with 415.
    public static func checkContentEncoding(_ contentEncoding: String?) throws(RemoteWriteNegotiationError) {
        guard let contentEncoding else { return }
        let value = trimmed(Substring(contentEncoding)).lowercased()
        if value.isEmpty || value == "snappy" { return }
        throw RemoteWriteNegotiationError(
            .unsupportedContentEncoding,
            "unsupported Content-Encoding \"\(contentEncoding)\": only snappy is accepted")
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
