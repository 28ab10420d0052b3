/// One float sample. Timestamps are milliseconds since the Unix epoch.
public struct Sample: Hashable, Sendable {
    public var timestamp: Int64
    public var value: Double

    public init(timestamp: Int64, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }

    /// Bitwise equality: two NaNs with the same bits are the same sample (retries re-send them).
    public func isIdentical(to other: Sample) -> Bool {
        timestamp == other.timestamp && value.bitPattern == other.value.bitPattern
    }
}

/// Prometheus's staleness marker: a NaN with a fixed bit pattern, never produced by arithmetic.
public enum StaleMarker {
    public static let bitPattern: UInt64 = 0x7ff0_0000_0000_0002
    public static let value = Double(bitPattern: bitPattern)

    public static func isStale(_ value: Double) -> Bool { value.bitPattern == bitPattern }
}
