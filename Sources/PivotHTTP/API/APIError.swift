import Hummingbird

/// An error of the Prometheus HTTP API: the closed `errorType` set and the status Prometheus uses
/// for each (`bad_data` 400, `execution` 422, `canceled`/`timeout`/`unavailable` 503, `not_found`
/// 404, `internal` 500).
public struct APIError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable {
        public let name: String
        public let status: HTTPResponse.Status

        public static let badData = Kind(name: "bad_data", status: .badRequest)
        public static let execution = Kind(name: "execution", status: .unprocessableContent)
        public static let canceled = Kind(name: "canceled", status: .serviceUnavailable)
        public static let timeout = Kind(name: "timeout", status: .serviceUnavailable)
        public static let unavailable = Kind(name: "unavailable", status: .serviceUnavailable)
        public static let notFound = Kind(name: "not_found", status: .notFound)
        public static let `internal` = Kind(name: "internal", status: .internalServerError)
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.name): \(message)" }

    /// `{"status":"error","errorType":…,"error":…}` with the kind's status.
    public var response: Response {
        jsonResponse(body, status: kind.status)
    }

    /// The same answer, for a request answered on its connection (`InlineRoutes`).
    var answer: InlineAnswer {
        InlineAnswer(status: kind.status, contentType: "application/json", body: body)
    }

    var body: ByteBuffer {
        ByteBuffer(string: "{\"status\":\"error\",\"errorType\":\(JSONString.quote(kind.name)),\"error\":\(JSONString.quote(message))}")
    }
}
