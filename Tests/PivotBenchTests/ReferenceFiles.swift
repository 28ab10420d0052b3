import Foundation

/// Locates `shared/reference/` by walking up from this file to the first directory that contains `shared`.
enum ReferenceFiles {
    static func url(_ relativePath: String, filePath: String = #filePath) -> URL? {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/reference")
            if FileManager.default.fileExists(atPath: candidate.path) {
                return candidate.appendingPathComponent(relativePath)
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func string(_ relativePath: String) throws -> String {
        guard let url = url(relativePath) else { throw CocoaError(.fileNoSuchFile) }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
