import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The `pivot` command line: `serve` (default) and `version`.
public struct PivotCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pivot",
        abstract: "One binary for metrics, exemplars and traces: remote-write and OTLP in, PromQL, Tempo and Jaeger out.",
        subcommands: [ServeCommand.self, VersionCommand.self],
        defaultSubcommand: ServeCommand.self)

    public init() {}

    /// Runs the command line and returns the process exit code. Errors are printed as one line on
    /// standard error, naming the flag; `--help` prints help and returns 0.
    public static func run(arguments: [String], environment: [String: String]) async -> Int32 {
        let isServe = arguments.first.map { $0 == "serve" || $0.hasPrefix("-") } ?? true
        let effective = EnvironmentOverrides.normalizeEmptyValues(isServe
            ? EnvironmentOverrides.apply(to: arguments, flags: ServeCommand.flagNames, environment: environment)
            : arguments)
        do {
            var command = try parseAsRoot(effective)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as ConfigurationError {
            printError("pivot: \(error)")
            return 2
        } catch let error as StartupError {
            printError("pivot: \(error)")
            return 1
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            printError("pivot: \(message(for: error)) (see 'pivot serve --help')")
            return code.rawValue == 0 ? 1 : 2
        }
    }
}

func printError(_ line: String) {
    var text = line
    if !text.hasSuffix("\n") { text += "\n" }
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
}
