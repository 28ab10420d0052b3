import PivotModel
import PivotRemoteWrite

/// The requests of an ingest run, built before anything is timed: `rounds[r][b]` is the
/// snappy-compressed remote-write 1.0 body of batch `b` in round `r`. Series, labels and the value
/// shapes follow `../shared/bench/rw_payloads.py`: counters grow by a random step rounded to what an
/// exporter prints, gauges wiggle around a base, histogram buckets grow cumulatively; timestamps are
/// 15 s apart and every sample is new and in order.
struct IngestFixture {
    /// What kind of value a series carries.
    private enum Kind {
        case counter(rate: Double, quantum: Double)
        case gauge(base: Double, quantum: Double)
        case sum
    }

    /// The last round's timestamp (milliseconds); rounds are 15 s apart.
    static let end: Int64 = 1_767_225_600_000

    /// The first round's timestamp.
    static func start(rounds: Int) -> Int64 { end - Int64(rounds - 1) * 15_000 }

    let rounds: [[[UInt8]]]
    let samples: Int
    let exemplars: Int
    let compressedBytes: Int
    let uncompressedBytes: Int

    init(options: IngestBenchOptions, seed: UInt64 = 42) {
        var random = BenchRandom(seed: seed)
        var labelSets: [Labels] = []
        var kinds: [Kind] = []
        var host = 0
        while labelSets.count < options.series {
            for pairs in RemoteWriteFixture.hostSeries(host) where labelSets.count < options.series {
                labelSets.append(Labels(pairs.map { Label(name: $0.0, value: $0.1) }))
                kinds.append(Self.kind(of: pairs))
            }
            host += 1
        }
        var values: [Double] = kinds.map { kind in
            switch kind {
            case .counter(let rate, _): Double(random.next() % 1_000_000 + 1_000) * max(rate, 0.001)
            case .gauge(let base, _): base
            case .sum: 0
            }
        }
        let encoder = RemoteWriteEncoder()
        let start = Self.start(rounds: options.rounds)
        var rounds: [[[UInt8]]] = []
        var exemplarCount = 0
        var compressed = 0
        var uncompressed = 0
        for round in 0..<options.rounds {
            let timestamp = start + Int64(round) * 15_000
            var bodies: [[UInt8]] = []
            var batch = WriteBatch()
            for index in labelSets.indices {
                let jitter = 0.5 + Double(random.next() % 1_000) / 1_000
                let value: Double
                switch kinds[index] {
                case .counter(let rate, let quantum):
                    values[index] += jitter * 15 * rate
                    value = (values[index] / quantum).rounded() * quantum
                case .gauge(let base, let quantum):
                    let wiggle = 1 + 0.05 * ((Double(round) / 20 + Double(index)).truncatingRemainder(dividingBy: 6.283) - 3.14) / 3.14
                    value = (base * wiggle / quantum).rounded() * quantum
                case .sum:
                    values[index] += jitter * 4.8
                    value = values[index]
                }
                var exemplars: [Exemplar] = []
                if options.exemplarsPerMille > 0 && Int(random.next() % 1_000) < options.exemplarsPerMille {
                    exemplars.append(Exemplar(
                        labels: Labels([Label(name: "span_id", value: random.hex(bytes: 8)),
                                        Label(name: "trace_id", value: random.hex(bytes: 16))]),
                        value: Double(random.next() % 300_000) / 1_000_000, timestamp: timestamp))
                    exemplarCount += 1
                }
                batch.append(labels: labelSets[index], samples: [Sample(timestamp: timestamp, value: value)], exemplars: exemplars)
                if batch.series.count == options.batchSize || index == labelSets.count - 1 {
                    let body = encoder.encode(batch, version: .v1)
                    uncompressed += body.count
                    // A copy of exact size: the compressor's array keeps the worst-case capacity.
                    bodies.append(Snappy.compress(body).withUnsafeBufferPointer { Array($0) })
                    compressed += bodies[bodies.count - 1].count
                    batch = WriteBatch()
                }
            }
            rounds.append(bodies)
        }
        self.rounds = rounds
        samples = options.series * options.rounds
        exemplars = exemplarCount
        compressedBytes = compressed
        uncompressedBytes = uncompressed
    }

    private static func kind(of pairs: [(String, String)]) -> Kind {
        let name = pairs.first { $0.0 == "__name__" }?.1 ?? ""
        switch name {
        case "node_cpu_seconds_total": return .counter(rate: 0.1, quantum: 0.01)
        case let name where name.hasPrefix("node_filesystem"): return .gauge(base: 2e10, quantum: 4096)
        case let name where name.hasPrefix("node_memory"): return .gauge(base: 4e9, quantum: 4096)
        case let name where name.hasPrefix("node_load"): return .gauge(base: 0.7, quantum: 0.01)
        case "node_disk_io_time_seconds_total": return .counter(rate: 0.05, quantum: 0.001)
        case let name where name.hasPrefix("node_"): return .counter(rate: 1e4, quantum: 1)
        case "http_request_duration_seconds_sum": return .sum
        default: return .counter(rate: 4, quantum: 1)
        }
    }
}
