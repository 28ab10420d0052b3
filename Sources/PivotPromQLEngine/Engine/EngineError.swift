/// Why a query failed. `message` is Prometheus's text for the same failure.
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure it is; maps to the HTTP API's `errorType`. New codes may be added.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The query does not parse or type-check (`bad_data`).
        public static let badData = Code(rawValue: "bad_data")
        /// The query failed while it ran (`execution`): collisions, invalid parameters, unsupported data.
        public static let execution = Code(rawValue: "execution")
        /// The query ran longer than `EngineOptions.timeout` (`timeout`).
        public static let timeout = Code(rawValue: "timeout")
        /// The task running the query was cancelled (`canceled`).
        public static let canceled = Code(rawValue: "canceled")
        /// The query would hold more than `EngineOptions.maxSamples` samples (`execution`).
        public static let tooManySamples = Code(rawValue: "too_many_samples")
        /// The query uses something this engine does not implement, such as native histograms.
        public static let notSupported = Code(rawValue: "not_supported")
        /// Storage could not be read (`internal`).
        public static let storage = Code(rawValue: "storage")

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func execution(_ message: String) -> EngineError { EngineError(.execution, message) }

    static let sameLabelset = EngineError(.execution, "vector cannot contain metrics with the same labelset")

    static let nativeHistograms = EngineError(
        .notSupported, "native histograms are not supported by this PromQL engine yet")
}
