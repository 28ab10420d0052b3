import PivotWire

/// What one decode of an OTLP metrics request saw. Every variant computes it by visiting every field of its
/// own output, and all of them must agree with the fixture's tally.
///
/// `checksum` is the wrapping sum of, per data point, `start_time_unix_nano`, `time_unix_nano` and the value
/// (the bit pattern of a double, the two's complement of an int; for histograms and summaries `count` plus
/// the bits of `sum`, `min` and `max`), and per exemplar its time and value. An absent optional adds 0.
struct OTLPTally: Equatable, CustomStringConvertible {
    var resources = 0
    var scopes = 0
    var metrics = 0
    var points = 0
    var exemplars = 0
    /// Every `KeyValue`: resource, scope, metric metadata, point and exemplar attributes, nested lists.
    var attributes = 0
    /// Bytes of attribute keys, string and bytes values, metric names, descriptions and units, scope names and
    /// versions, and entity-ref types.
    var stringBytes = 0
    /// Bytes of exemplar trace and span ids.
    var idBytes = 0
    /// Histogram bucket counts and explicit bounds seen (entries, not their values).
    var buckets = 0
    /// Wrapping sum of all bucket counts.
    var bucketCountSum: UInt64 = 0
    var checksum: UInt64 = 0

    init() {}

    mutating func add(_ value: UInt64) {
        checksum = checksum &+ value
    }

    var description: String {
        "resources=\(resources) scopes=\(scopes) metrics=\(metrics) points=\(points) exemplars=\(exemplars) "
            + "attributes=\(attributes) stringBytes=\(stringBytes) idBytes=\(idBytes) buckets=\(buckets) "
            + "bucketCountSum=\(bucketCountSum) checksum=\(checksum)"
    }
}
