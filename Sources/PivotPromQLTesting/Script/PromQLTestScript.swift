import PivotModel
import PivotPromQL

/// A Prometheus `promqltest` script (`load`, `clear`, `eval` commands), parsed.
///
/// The format is described in `shared/reference/promql-tests/README.md`. Times are milliseconds.
public struct PromQLTestScript: Sendable {
    public var commands: [Command]

    public enum Command: Sendable {
        case load(Load)
        case clear
        case eval(Eval)
        /// A command the parser could not read; running it fails the case at `line`.
        case invalid(line: Int, message: String)
    }

    /// A `load <interval>` block: series with values at 0, interval, 2·interval, …
    public struct Load: Sendable {
        public var line: Int
        public var interval: Int64
        public var series: [(labels: Labels, values: [SequenceValue])]
        /// Series given in native-histogram notation, not loaded (their cases carry a feature tag).
        public var skippedHistogramSeries: Int
    }

    /// One eval command with its expectations.
    public struct Eval: Sendable {
        public enum Kind: Sendable {
            case instant(at: Int64)
            case range(start: Int64, end: Int64, step: Int64)
        }

        public var line: Int
        public var kind: Kind
        public var query: String
        public var expectFail: Bool = false
        /// `msg:` (exact) or `regex:` (unanchored) for the error.
        public var failMatcher: MessageMatcher?
        public var warnings: [MessageMatcher?] = []
        public var infos: [MessageMatcher?] = []
        public var noWarn = false
        public var noInfo = false
        public var ordered = false
        public var expectedString: String?
        public var expectedScalar: Double?
        /// `expect range vector from … to … step …`: the query runs at `end`, the result is a matrix.
        public var rangeVector: (start: Int64, end: Int64, step: Int64)?
        public var expectedSeries: [(labels: Labels, values: [SequenceValue])] = []
        /// The expected output uses native-histogram notation.
        public var expectsHistograms = false
    }

    public enum MessageMatcher: Sendable {
        case exact(String)
        case regex(String)
    }

    /// One expanded item of the value notation.
    public enum SequenceValue: Sendable, Equatable {
        case value(Double)
        case missing
    }

    public init(commands: [Command]) {
        self.commands = commands
    }
}
