/// The kind of a metric family, as remote-write and the metadata API name it.
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    case unknown, counter, gauge, histogram, gaugehistogram, summary, info, stateset

    /// The remote-write 1.0 / 2.0 enum number (`UNKNOWN=0 … STATESET=7`).
    public init(wireValue: Int) {
        switch wireValue {
        case 1: self = .counter
        case 2: self = .gauge
        case 3: self = .histogram
        case 4: self = .gaugehistogram
        case 5: self = .summary
        case 6: self = .info
        case 7: self = .stateset
        default: self = .unknown
        }
    }

    public var wireValue: Int {
        switch self {
        case .unknown: 0
        case .counter: 1
        case .gauge: 2
        case .histogram: 3
        case .gaugehistogram: 4
        case .summary: 5
        case .info: 6
        case .stateset: 7
        }
    }
}

/// Type, help and unit of a metric family.
public struct MetricMetadata: Hashable, Sendable {
    public var type: MetricType
    public var help: String
    public var unit: String

    public init(type: MetricType, help: String = "", unit: String = "") {
        self.type = type
        self.help = help
        self.unit = unit
    }
}
