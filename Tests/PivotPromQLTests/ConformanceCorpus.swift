import Foundation

/// The `eval` queries of Prometheus's conformance scripts in `shared/reference/promql-tests`, read at
/// run time.
struct ConformanceCorpus {
    struct Case {
        var file: String
        var line: Int
        var query: String
        /// Whether the eval block says `expect fail` (or uses the legacy `eval_fail`).
        var expectsFailure: Bool

        var location: String { "\(file):\(line)" }
    }

    let cases: [Case]

    /// The folder with the `.test` scripts, found by walking up from this source file to the
    /// directory that contains `shared`.
    static func directory(from filePath: String = #filePath) -> URL? {
        var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("shared/reference/promql-tests")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            url.deleteLastPathComponent()
        }
        return nil
    }

    init(directory: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".test") }.sorted()
        var cases: [Case] = []
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            for (index, line) in lines.enumerated() {
                guard let (query, legacyFail) = Self.evalQuery(line) else { continue }
                var expectsFailure = legacyFail
                var next = index + 1
                while next < lines.count, !lines[next].isEmpty, !lines[next].hasPrefix("#") {
                    if lines[next].hasPrefix("expect fail") { expectsFailure = true }
                    next += 1
                }
                cases.append(Case(file: file, line: index + 1, query: query, expectsFailure: expectsFailure))
            }
        }
        self.cases = cases
    }

    /// The query of an `eval instant at <t> <query>` or `eval range from <a> to <b> step <s> <query>` header.
    static func evalQuery(_ line: String) -> (query: String, legacyFail: Bool)? {
        var words = WordScanner(text: line[...])
        guard let command = words.next()?.lowercased(), command.hasPrefix("eval") else { return nil }
        switch words.next() {
        case "instant":
            if words.peek() == "at" {
                _ = words.next()
                _ = words.next()
            }
        case "range":
            while let word = words.next(), word != "step" {}
            _ = words.next()
        default:
            return nil
        }
        let query = words.rest
        return query.isEmpty ? nil : (String(query), command == "eval_fail")
    }
}

/// Splits a line into words separated by spaces and tabs, keeping the unread rest verbatim.
struct WordScanner {
    var text: Substring

    private static func isSpace(_ character: Character) -> Bool { character == " " || character == "\t" }

    var rest: Substring { text.drop(while: Self.isSpace) }

    func peek() -> Substring? {
        var copy = self
        return copy.next()
    }

    mutating func next() -> Substring? {
        text = rest
        guard !text.isEmpty else { return nil }
        let word = text.prefix(while: { !Self.isSpace($0) })
        text = text.dropFirst(word.count)
        return word
    }
}
