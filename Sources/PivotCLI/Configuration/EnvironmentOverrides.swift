/// Flags may also be set from the environment: `PIVOT_` + the flag name upper-cased with `.` and `-`
/// turned into `_` (`--storage.path` ↔ `PIVOT_STORAGE_PATH`). A flag given on the command line wins.
public enum EnvironmentOverrides {
    /// The environment variable for a flag name (without the leading dashes).
    public static func variableName(forFlag flag: String) -> String {
        "PIVOT_" + String(flag.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    /// Appends `--flag=value` for every flag in `flags` that the arguments do not set and the
    /// environment does.
    public static func apply(
        to arguments: [String], flags: [String], environment: [String: String]
    ) -> [String] {
        var result = arguments
        for flag in flags {
            let long = "--" + flag
            let given = arguments.contains { $0 == long || $0.hasPrefix(long + "=") }
            if !given, let value = environment[variableName(forFlag: flag)] {
                result.append(long + "=" + value)
            }
        }
        return result
    }

    /// Rewrites `--flag=` (an empty value, which disables a listener) into `--flag ""`, a form the
    /// argument parser accepts.
    public static func normalizeEmptyValues(_ arguments: [String]) -> [String] {
        arguments.flatMap { argument -> [String] in
            argument.hasPrefix("--") && argument.hasSuffix("=") && argument.count > 3
                ? [String(argument.dropLast()), ""]
                : [argument]
        }
    }
}
