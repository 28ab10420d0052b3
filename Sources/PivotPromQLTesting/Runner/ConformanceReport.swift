/// The outcome of running scripts: per file, passed and failed cases and skips by tag.
public struct ConformanceReport: Sendable {
    public struct Failure: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var query: String
        public var reason: String

        public var description: String { "\(file):\(line): \(query)\n    \(reason)" }
    }

    public struct FileResult: Sendable {
        public var file: String
        public var passed = 0
        public var failures: [Failure] = []
        /// Skipped cases by the first skipping tag.
        public var skipped: [String: Int] = [:]

        public init(file: String) { self.file = file }

        public var failed: Int { failures.count }
        public var skippedCount: Int { skipped.values.reduce(0, +) }
    }

    public var files: [FileResult] = []

    public init(files: [FileResult] = []) { self.files = files }

    public var passed: Int { files.reduce(0) { $0 + $1.passed } }
    public var failed: Int { files.reduce(0) { $0 + $1.failed } }
    public var skipped: Int { files.reduce(0) { $0 + $1.skippedCount } }

    /// A Markdown table: file, passed, failed, skipped (with tags), and a total row.
    public var table: String {
        var out = "| file | passed | failed | skipped | skipped by tag |\n|---|---|---|---|---|\n"
        for file in files {
            let tags = file.skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            out += "| \(file.file) | \(file.passed) | \(file.failed) | \(file.skippedCount) | \(tags) |\n"
        }
        out += "| **total** | **\(passed)** | **\(failed)** | **\(skipped)** | |\n"
        return out
    }
}
