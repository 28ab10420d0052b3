import Hummingbird

/// A plain-text response.
func plainText(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "text/plain; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// A JSON response from an already encoded body.
func jsonResponse(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: body)))
}

/// A JSON response from an already encoded body, as UTF-8 bytes.
func jsonResponse(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
