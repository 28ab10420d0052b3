/// Why a write was refused. The code says whether retrying can help; the message names the first
/// offending series and the reason, so a sender's log says what to fix.
public struct AppendError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// Whether the same request may succeed later (overload, storage trouble).
        public let isRetryable: Bool

        public init(name: String, isRetryable: Bool) {
            self.name = name
            self.isRetryable = isRetryable
        }

        public var description: String { name }

        public static let invalidLabels = Code(name: "invalid_labels", isRetryable: false)
        public static let missingMetricName = Code(name: "missing_metric_name", isRetryable: false)
        public static let duplicateSampleForTimestamp = Code(name: "duplicate_sample_for_timestamp", isRetryable: false)
        public static let outOfOrderSample = Code(name: "out_of_order_sample", isRetryable: false)
        public static let outOfBounds = Code(name: "out_of_bounds", isRetryable: false)
        public static let invalidHistogram = Code(name: "invalid_histogram", isRetryable: false)
        public static let limitExceeded = Code(name: "limit_exceeded", isRetryable: false)
        public static let overloaded = Code(name: "overloaded", isRetryable: true)
        public static let storageUnavailable = Code(name: "storage_unavailable", isRetryable: true)
        /// A batch series' `seriesRef` names no series of this store (any more): the sender should send
        /// the series by its labels instead.
        public static let unknownSeriesReference = Code(name: "unknown_series_reference", isRetryable: true)
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
