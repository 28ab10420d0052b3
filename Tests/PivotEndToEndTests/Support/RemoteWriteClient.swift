import Foundation
import PivotModel
import PivotRemoteWrite

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends remote-write requests the way Prometheus does: snappy-compressed protobuf over HTTP POST.
struct RemoteWriteClient: Sendable {
    var url: String
    var version: RemoteWriteVersion = .v1
    /// Extra request headers, such as `Authorization`.
    var headers: [String: String] = [:]

    /// Posts a batch; returns the status code and the body text.
    func send(_ batch: WriteBatch, timeout: TimeInterval = 10) async throws -> (status: Int, body: String, headers: [String: String]) {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(RemoteWriteEncoder().encodeCompressed(batch, version: version))
        request.setValue(version.contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("snappy", forHTTPHeaderField: "Content-Encoding")
        request.setValue(version.headerValue, forHTTPHeaderField: "X-Prometheus-Remote-Write-Version")
        for (name, value) in self.headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            headers[String(describing: key).lowercased()] = String(describing: value)
        }
        return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
    }
}
