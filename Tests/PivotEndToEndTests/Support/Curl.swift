import Foundation

/// One HTTP(S) exchange made by the `curl` command line (a real client with its own TLS stack).
struct CurlResponse {
    /// The status code; 0 when no HTTP answer came (connection or TLS failure).
    var status: Int
    /// Header lines of the final response, names lower-cased, in order.
    var headers: [(name: String, value: String)]
    var body: String
    /// curl's exit code and error text (for TLS and connection failures).
    var exitCode: Int32
    var errors: String

    func values(of name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }

    /// Runs curl once. `arguments` are extra curl options such as `-H`, `--cacert`, `-X POST`.
    static func run(_ url: String, _ arguments: [String] = []) throws -> CurlResponse {
        let directory = PivotProcess.temporaryDirectory("pivot-curl")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PeerProcess.find("curl") ?? "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "10", "-o", directory + "/body", "-D", directory + "/headers",
                             "-w", "%{http_code}"] + arguments + [url]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let headerText = (try? String(contentsOfFile: directory + "/headers", encoding: .utf8)) ?? ""
        let lastBlock = headerText.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        let headers = lastBlock.components(separatedBy: "\r\n").dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return CurlResponse(
            status: Int(String(decoding: output, as: UTF8.self)) ?? 0, headers: headers,
            body: (try? String(contentsOfFile: directory + "/body", encoding: .utf8)) ?? "",
            exitCode: process.terminationStatus, errors: String(decoding: errors, as: UTF8.self))
    }
}
