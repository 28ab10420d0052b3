import ArgumentParser
import PivotHTTP

/// `pivot version`: prints the version, revision and build date.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print version information.")

    func run() {
        let info = BuildInfo.current
        print("pivot, version \(info.version) (revision: \(info.revision))")
        print("  build date:        \(info.buildDate)")
        print("  swift version:     \(info.swiftVersion)")
        print("  prometheus API:    \(info.prometheusCompatibleVersion)")
    }
}
