import Foundation

/// The feature tags of every eval command, from `CASES.tsv` (file, 1-based line → tags).
public struct CaseIndex: Sendable {
    public var tags: [String: [Int: [String]]]

    public init(tags: [String: [Int: [String]]] = [:]) {
        self.tags = tags
    }

    /// Reads a `CASES.tsv` file: tab-separated `file line kind tags expects query`, `#` comments, a header row.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var tags: [String: [Int: [String]]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 4, let number = Int(columns[1]) else { continue }
            let list = columns[3] == "-" ? [] : columns[3].split(separator: ",").map(String.init)
            tags[String(columns[0]), default: [:]][number] = list
        }
        self.tags = tags
    }

    public func tags(file: String, line: Int) -> [String] { tags[file]?[line] ?? [] }
}
