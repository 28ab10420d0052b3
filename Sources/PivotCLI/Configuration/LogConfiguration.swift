import Logging

/// `--log.level` and `--log.format`.
public struct LogConfiguration: Hashable, Sendable {
    public enum Format: String, Hashable, Sendable, CaseIterable {
        case logfmt, json
    }

    public var level: Logger.Level
    public var format: Format

    public init(level: Logger.Level = .info, format: Format = .logfmt) {
        self.level = level
        self.format = format
    }

    /// Prometheus's level names: debug, info, warn, error.
    public static func level(named name: String) throws(ConfigurationError.Reason) -> Logger.Level {
        switch name {
        case "debug": .debug
        case "info": .info
        case "warn": .warning
        case "error": .error
        default: throw .init("must be one of debug, info, warn, error")
        }
    }
}
